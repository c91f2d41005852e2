export { PlainWsGateway } from './plain-ws/plain-ws.gateway';
export { SocketIoTransport, SOCKET_IO_PATH } from './socketio';
export * from './http';
export { STOMP_PATH, TransportGateway } from './transport-gateway';
export { PLAIN_WS_PATH } from './plain-ws/plain-ws.gateway';
export { TransportsModule } from './transports.module';
export { ClientAddress } from './client-address';
