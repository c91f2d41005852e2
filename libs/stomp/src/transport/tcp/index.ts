export { StompTcpTransport, type StompTcpTransportOptions, type StompTlsCredentials } from './stomp-tcp.transport';
export { TcpConnection } from './tcp-connection';
