export { SocketIoTransport, SOCKET_IO_PATH } from './socketio.transport';
export { SocketIoSession, type SocketIoLimits } from './socketio-session';
