export { PlainWsTransport } from './plain-ws/plain-ws.transport';
export { SocketIoTransport, SOCKET_IO_PATH } from './socketio';
export * from './http';
export { PLAIN_WS_PATH, STOMP_PATH, TransportGateway } from './transport-gateway';
export { TransportsModule } from './transports.module';
export { ClientAddress } from './client-address';
