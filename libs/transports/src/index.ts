export { UpgradeRouter, pathOf, reject, type UpgradeHandler, type UpgradeMatcher } from './upgrade-router';
export { StompWebSocketTransport, type StompWebSocketOptions } from './stomp-ws/stomp-websocket.transport';
export { WsConnection } from './stomp-ws/ws-connection';
export { PlainWsTransport } from './plain-ws/plain-ws.transport';
export { SockJsTransport, SockJsConnectionAdapter, SOCKJS_CLOSE, sockJsSettingsFrom, type SockJsTransportOptions } from './sockjs';
export * from './http';
export { PLAIN_WS_PATH, STOMP_PATH, TransportGateway } from './transport-gateway';
export { TransportsModule } from './transports.module';
