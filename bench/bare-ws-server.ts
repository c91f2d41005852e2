/**
 * The ceiling: the least a STOMP-over-WebSocket fan-out server can do. It answers CONNECT, SUBSCRIBE
 * (with receipts) and SEND, and for each SEND builds ONE MESSAGE frame and writes that same buffer to
 * every subscriber of the destination. No routing, no per-subscriber headers, no limits, no storage:
 * whatever our server costs beyond this is the price of being a real broker.
 *
 * To share one frame, subscribers are grouped by (destination, subscription id); the bench clients all
 * subscribe with the same id, so there is one group per destination.
 *
 * For the idle doors it also holds, with nothing around them, what the chat's other doors hold: an SSE
 * stream (`/sse/rooms/..`: headers, `retry:`, a comment every 15 s from one timer), a long poll
 * (`/api/rooms/../poll`: held until its timeout, then `[]`) and a plain WebSocket (`/ws/chat`, no
 * sub-protocol, nothing said). They carry no messages: only what an idle one costs is measured.
 *
 * Run as a process: `HOST=127.0.0.1 PORT=0 node dist/bench/bare-ws-server.js`.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { encodeFrame, FrameFormatError, FrameReader, type InboundFrame } from './stomp-wire';

const HEARTBEAT = Buffer.from('\n');
const SSE_COMMENT_MS = 15_000;
const POLL_DEFAULT_S = 25;

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
  const streams = new Set<ServerResponse>();
  const http = createServer((req, res) => serveHttp(req, res, streams));
  const wss = new WebSocketServer({
    noServer: true,
    perMessageDeflate: false,
    handleProtocols: (offered) => (offered.has('v12.stomp') ? 'v12.stomp' : false),
  });
  const plain = new WebSocketServer({ noServer: true, perMessageDeflate: false });
  plain.on('connection', (ws) => ws.on('error', () => ws.terminate()));
  http.on('upgrade', (req, socket, head) => {
    const path = (req.url ?? '').split('?')[0];
    const server = path === '/chat' ? wss : path === '/ws/chat' ? plain : undefined;
    if (!server) return socket.destroy();
    server.handleUpgrade(req, socket, head, (ws) => server.emit('connection', ws, req));
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

  const comments = setInterval(() => { for (const res of streams) res.write(': keep-alive\n\n'); }, SSE_COMMENT_MS);
  comments.unref();

  return new Promise((resolve, reject) => {
    http.once('error', reject);
    http.listen(port, host, () => {
      resolve({
        port: (http.address() as AddressInfo).port,
        close: () => new Promise<void>((done) => {
          clearInterval(heartbeats);
          clearInterval(comments);
          for (const ws of [...wss.clients, ...plain.clients]) ws.terminate();
          for (const res of streams) res.destroy();
          wss.close();
          plain.close();
          http.closeAllConnections();
          http.close(() => done());
        }),
      });
    });
  });
}

/** The HTTP doors, held and nothing more. */
function serveHttp(req: IncomingMessage, res: ServerResponse, streams: Set<ServerResponse>): void {
  const url = new URL(req.url ?? '/', 'http://localhost');
  if (req.method === 'GET' && url.pathname.startsWith('/sse/rooms/')) {
    res.writeHead(200, { 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-cache' });
    res.write('retry: 3000\n\n');
    streams.add(res);
    res.on('close', () => streams.delete(res));
    return;
  }
  if (req.method === 'GET' && /^\/api\/rooms\/[^/]+\/poll$/.test(url.pathname)) {
    const seconds = Math.min(60, Number(url.searchParams.get('timeout') ?? POLL_DEFAULT_S) || POLL_DEFAULT_S);
    const timer = setTimeout(() => res.writeHead(200, { 'Content-Type': 'application/json' }).end('[]'), seconds * 1000);
    res.on('close', () => clearTimeout(timer));
    return;
  }
  res.writeHead(404).end();
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
