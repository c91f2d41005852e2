/**
 * Socket.IO 4 as the bench's point of comparison, doing what a Socket.IO chat server does: a client joins
 * a room (`sub`, acknowledged, so nothing published afterwards is missed) and a `pub` to a room is one
 * `io.to(room).emit`, which encodes the packet once for the whole room. No storage, no validation: the
 * same work as the bare ceiling, in Socket.IO's framing, with its own heart-beats (ping interval).
 *
 * Run as a process: `HOST=127.0.0.1 PORT=0 node dist/bench/socketio-server.js`.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';

const host = process.env.HOST ?? '127.0.0.1';
const port = Number(process.env.PORT ?? 0);
const heartbeatMs = Number(process.env.HEARTBEAT_MS || 10_000);

const http = createServer();
const io = new Server(http, {
  transports: ['websocket'],
  perMessageDeflate: false,
  // A ping every interval, as our server's heart-beats; a generous timeout, as the other targets have.
  pingInterval: heartbeatMs > 0 ? heartbeatMs : 25_000,
  pingTimeout: heartbeatMs > 0 ? heartbeatMs * 2 : 20_000,
  maxHttpBufferSize: 1024 * 1024,
});

io.on('connection', (socket) => {
  socket.on('sub', (room: unknown, ack: unknown) => {
    if (typeof room === 'string') void socket.join(room);
    if (typeof ack === 'function') ack();
  });
  socket.on('pub', (room: unknown, body: unknown) => {
    if (typeof room === 'string') io.to(room).emit('m', body);
  });
});

http.listen(port, host, () => {
  console.log(`listening on http://${host}:${(http.address() as AddressInfo).port}`);
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => { void io.close(() => process.exit(0)); });
}
