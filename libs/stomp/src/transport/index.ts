export { UpgradeRouter, pathOf, reject, type UpgradeHandler, type UpgradeMatcher } from './upgrade-router';
export { StompWebSocketTransport, type StompWebSocketOptions } from './stomp-ws/stomp-websocket.transport';
export { WsConnection } from './stomp-ws/ws-connection';
export { SockJsTransport, SockJsConnectionAdapter, SOCKJS_CLOSE, type SockJsTransportOptions } from './sockjs';
export { isOriginAllowed, requestOriginAllowed, type AllowedOrigins } from './origin-policy';
export { ConnectionLimiter, addressKey } from './connection-limiter';
export { AddressRateLimiter } from './address-rate-limiter';
export { OPEN_CLIENT_POLICY, type ClientPolicy } from './client-policy';
export { StompTcpTransport, TcpConnection, type StompTcpTransportOptions, type StompTlsCredentials } from './tcp';
