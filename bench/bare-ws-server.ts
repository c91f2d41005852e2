/**
 * The ceiling: the least a STOMP-over-WebSocket fan-out server can do. It answers CONNECT, SUBSCRIBE
 * (with receipts) and SEND, and for each SEND builds ONE MESSAGE frame and writes that same buffer to
 * every subscriber of the destination. No routing, no per-subscriber headers, no limits, no storage:
 * whatever our server costs beyond this is the price of being a real broker.
 *
 * To share one frame, subscribers are grouped by (destination, subscription id); the bench clients all
 * subscribe with the same id, so there is one group per destination.
 *
 * Run as a process: `HOST=127.0.0.1 PORT=0 node dist/bench/bare-ws-server.js`.
 */
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { encodeFrame, FrameFormatError, FrameReader, type InboundFrame } from './stomp-wire';

const HEARTBEAT = Buffer.from('\n');

interface Session {
  reader: FrameReader;
  connected: boolean;
  /** subscription id → destination */
  subscriptions: Map<string, string>;
}

export interface BareWsServer {
  port: number;
  close(): Promise<void>;
}

export function startBareWsServer(host: string, port: number, heartbeatMs = 10_000): Promise<BareWsServer> {
  const wss = new WebSocketServer({
    host,
    port,
    path: '/chat',
    perMessageDeflate: false,
    handleProtocols: (offered) => (offered.has('v12.stomp') ? 'v12.stomp' : false),
  });
  /** destination → subscription id → sockets */
  const topics = new Map<string, Map<string, Set<WebSocket>>>();
  let messageId = 0;

  const unsubscribe = (ws: WebSocket, session: Session, id: string): void => {
    const destination = session.subscriptions.get(id);
    if (destination === undefined) return;
    session.subscriptions.delete(id);
    const groups = topics.get(destination);
    groups?.get(id)?.delete(ws);
    if (groups?.get(id)?.size === 0) groups.delete(id);
    if (groups?.size === 0) topics.delete(destination);
  };

  const fail = (ws: WebSocket, message: string): void => {
    ws.send(encodeFrame('ERROR', { message }));
    ws.close(1002, 'protocol error');
  };

  const handle = (ws: WebSocket, session: Session, frame: InboundFrame): void => {
    const receipt = frame.header('receipt');
    switch (frame.command) {
      case 'CONNECT':
      case 'STOMP':
        session.connected = true;
        ws.send(encodeFrame('CONNECTED', {
          version: '1.2', 'heart-beat': `${heartbeatMs},${heartbeatMs}`, server: 'bare-ws-bench',
        }));
        return;
      case 'SUBSCRIBE': {
        const id = frame.header('id');
        const destination = frame.header('destination');
        if (!id || !destination) return fail(ws, 'SUBSCRIBE needs id and destination');
        session.subscriptions.set(id, destination);
        let groups = topics.get(destination);
        if (!groups) topics.set(destination, (groups = new Map()));
        let group = groups.get(id);
        if (!group) groups.set(id, (group = new Set()));
        group.add(ws);
        break;
      }
      case 'UNSUBSCRIBE':
        unsubscribe(ws, session, frame.header('id') ?? '');
        break;
      case 'SEND': {
        const destination = frame.header('destination');
        if (!destination) return fail(ws, 'SEND needs a destination');
        const groups = topics.get(destination);
        if (groups) {
          const id = String(++messageId);
          for (const [subscription, sockets] of groups) {
            const message = encodeFrame('MESSAGE', {
              destination, subscription, 'message-id': id,
              'content-type': frame.header('content-type') ?? 'text/plain',
            }, frame.body);
            for (const s of sockets) s.send(message, { binary: false });
          }
        }
        break;
      }
      case 'DISCONNECT':
        if (receipt) ws.send(encodeFrame('RECEIPT', { 'receipt-id': receipt }));
        ws.close(1000);
        return;
      default:
        return fail(ws, `unsupported command ${frame.command}`);
    }
    if (receipt) ws.send(encodeFrame('RECEIPT', { 'receipt-id': receipt }));
  };

  wss.on('connection', (ws) => {
    const session: Session = { reader: new FrameReader(), connected: false, subscriptions: new Map() };
    ws.on('message', (data: Buffer) => {
      try {
        for (const frame of session.reader.push(data)) {
          if (!session.connected && frame.command !== 'CONNECT' && frame.command !== 'STOMP') {
            return fail(ws, 'CONNECT first');
          }
          handle(ws, session, frame);
        }
      } catch (err) {
        fail(ws, err instanceof FrameFormatError ? err.message : 'bad frame');
      }
    });
    ws.on('error', () => ws.terminate());
    ws.on('close', () => { for (const id of [...session.subscriptions.keys()]) unsubscribe(ws, session, id); });
  });

  // One timer for every session: the server's half of the heart-beat (0 = none).
  const heartbeats = heartbeatMs > 0
    ? setInterval(() => { for (const ws of wss.clients) ws.send(HEARTBEAT); }, heartbeatMs)
    : undefined;

  return new Promise((resolve, reject) => {
    wss.once('error', reject);
    wss.once('listening', () => {
      resolve({
        port: (wss.address() as AddressInfo).port,
        close: () => new Promise<void>((done) => {
          clearInterval(heartbeats);
          for (const ws of wss.clients) ws.terminate();
          wss.close(() => done());
        }),
      });
    });
  });
}

if (require.main === module) {
  const host = process.env.HOST || '127.0.0.1';
  const port = Number(process.env.PORT || 0);
  const heartbeatMs = Number(process.env.HEARTBEAT_MS || 10_000);
  startBareWsServer(host, port, heartbeatMs).then(
    (server) => {
      console.log(`listening on http://${host}:${server.port}`);
      process.once('SIGTERM', () => void server.close().then(() => process.exit(0)));
    },
    (err: Error) => {
      console.error(`bare-ws-server: ${err.message}`);
      process.exit(1);
    },
  );
}
