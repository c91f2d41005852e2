/**
 * A load-generator process (forked by bench/run.ts). It owns a slice of the bench's connections,
 * publishes on command at a fixed rate, and keeps per-phase latency histograms that the orchestrator
 * collects and merges; room events (joins, typing) are counted apart, by kind. Everything it does is
 * answered over IPC (see worker-protocol.ts).
 */
import { BenchConnection } from './bench-connection';
import { LongPollBenchConnection, PlainWsBenchConnection, SseBenchConnection } from './door-connections';
import { SockJsWsChannel, SockJsXhrStreamingChannel } from './stomp-channels';
import { chatJsonPayload, decodePayload, encodePayload, wallClockMillis } from './bench-payload';
import { LatencyHistogram } from './latency-histogram';
import type { ConnectionEvents, LoadConnection } from './load-connection';
import { readRoomEvent, RoomEventTally } from './room-event-tally';
import { SocketIoBenchConnection } from './socketio-connection';
import type {
  OpenCommand, OpenResult, PublishCommand, PublishResult, RequestCommand, RequestResult, StatsResult, SubscribeCommand,
  SubscribeResult, WorkerCommand, WorkerReply,
} from './worker-protocol';

interface PhaseStats {
  histogram: LatencyHistogram;
  lastReceiveAt: number;
}

/** Unsent bytes on one publisher socket beyond which we skip sends rather than queue without bound. */
const PUBLISH_BACKLOG_LIMIT = 4 * 1024 * 1024;
const TICK_MS = 2;
const TYPING_BODY = Buffer.from('{"typing":true}');

/** Indexed as the orchestrator numbered them (a failed open leaves a hole), so publish plans can name one. */
const connections: Array<LoadConnection | undefined> = [];
/** Per connection (same index): who it is, and whether it has been told to type. */
const identities: Array<Identity | undefined> = [];
const phases = new Map<number, PhaseStats>();
const roomEvents = new RoomEventTally();
let ownTyping = 0;
const problems = new Set<string>();
let lost = 0;
let errorFrames = 0;
let heartbeatTimer: NodeJS.Timeout | undefined;

function phaseStats(phase: number): PhaseStats {
  let stats = phases.get(phase);
  if (!stats) {
    stats = { histogram: new LatencyHistogram(), lastReceiveAt: 0 };
    phases.set(phase, stats);
  }
  return stats;
}

interface Identity {
  /** `"user":"<login>"` as the server's JSON writes it: how a typist recognises its own typing event. */
  ownUser: Buffer;
  typist: boolean;
}

function eventsFor(identity: Identity | undefined): ConnectionEvents {
  return {
    onMessage(body: Buffer): void {
      const now = wallClockMillis();
      const event = readRoomEvent(body);
      if (event) {
        roomEvents.record(event, now);
        if (event.kind === 'typing' && identity?.typist && body.includes(identity.ownUser)) ownTyping++;
        return;
      }
      const payload = decodePayload(body);
      if (!payload) return noteProblem('MESSAGE with a body that is neither a bench payload nor a room event');
      const stats = phaseStats(payload.phase);
      stats.histogram.recordMillis(now - payload.sentAt);
      stats.lastReceiveAt = now;
    },
    onProblem(reason: string, fatal: boolean): void {
      if (fatal) lost++;
      else errorFrames++;
      noteProblem(reason);
    },
  };
}

function noteProblem(reason: string): void {
  if (problems.size < 5) problems.add(reason);
}

async function open(cmd: OpenCommand): Promise<OpenResult> {
  const started = Date.now();
  const errors = new Set<string>();
  let opened = 0;
  let next = 0;
  const base = connections.length;
  connections.length = base + cmd.subscriptions.length;
  identities.length = connections.length;
  const runOne = async (): Promise<void> => {
    while (next < cmd.subscriptions.length) {
      const index = next++;
      const login = cmd.logins?.[index] ?? undefined;
      const identity = login === undefined ? undefined : { ownUser: Buffer.from(`"user":${JSON.stringify(login)}`), typist: false };
      identities[base + index] = identity;
      const events = eventsFor(identity);
      const conn = connectionFor(cmd, events, login);
      try {
        await conn.open(cmd.heartbeatMs, cmd.subscriptions[index], cmd.timeoutMs);
        connections[base + index] = conn;
        opened++;
      } catch (err) {
        if (errors.size < 5) errors.add(err instanceof Error ? err.message : String(err));
      }
    }
  };
  if (cmd.heartbeatMs > 0 && !heartbeatTimer) {
    // Sending at half the agreed interval keeps us well inside the server's tolerance. Started before
    // the opening, not after it: opening 10,000 sessions on a busy machine can take longer than the
    // interval, and the first ones would be timed out meanwhile.
    heartbeatTimer = setInterval(() => { for (const c of connections) c?.heartbeat(); }, cmd.heartbeatMs / 2);
  }
  await Promise.all(Array.from({ length: Math.max(1, cmd.concurrency) }, runOne));
  return { opened, failed: cmd.subscriptions.length - opened, errors: [...errors], elapsedMs: Date.now() - started };
}

function connectionFor(cmd: OpenCommand, events: ConnectionEvents, login: string | undefined): LoadConnection {
  switch (cmd.client) {
    case 'socketio': return new SocketIoBenchConnection(cmd.url, events);
    case 'sockjs-ws': return new BenchConnection(cmd.url, cmd.protocol, events, login, new SockJsWsChannel(cmd.url));
    case 'sockjs-xhr-streaming': return new BenchConnection(cmd.url, cmd.protocol, events, login, new SockJsXhrStreamingChannel(cmd.url));
    case 'sse': return new SseBenchConnection(cmd.url, events);
    case 'long-poll': return new LongPollBenchConnection(cmd.url, events);
    case 'plain-ws': return new PlainWsBenchConnection(cmd.url, events);
    default: return new BenchConnection(cmd.url, cmd.protocol, events, login);
  }
}

/**
 * Sends message k at start + k/rate, publishers taking turns, so n publishers at total rate R each send
 * R/n msg/s evenly spaced. A late timer sends everything already due, so the count is exact and a
 * starved generator shows up as burstier sends (and in gen CPU%), not as fewer messages.
 */
function publish(cmd: PublishCommand): Promise<PublishResult> {
  const publishers = cmd.publishers
    .flatMap(([index, destination]) => {
      const conn = connections[index];
      return conn ? [{ conn, destination }] : [];
    });
  if (cmd.body === 'typing') {
    for (const [index] of cmd.publishers) if (identities[index]) identities[index].typist = true;
  }
  if (publishers.length === 0 || cmd.rate <= 0) return Promise.resolve({ sent: 0, skipped: 0 });
  const total = Math.max(1, Math.round((cmd.rate * cmd.durationMs) / 1000));
  const start = performance.now();
  let k = 0;
  let sent = 0;
  let skipped = 0;
  return new Promise((resolve) => {
    const tick = (): void => {
      const due = Math.min(total, Math.floor(((performance.now() - start) * cmd.rate) / 1000) + 1);
      while (k < due) {
        const p = publishers[k % publishers.length];
        k++;
        if (!p.conn.isOpen || p.conn.bufferedAmount > PUBLISH_BACKLOG_LIMIT) { skipped++; continue; }
        if (cmd.body === 'typing') {
          p.conn.publish(p.destination, TYPING_BODY, 'application/json', false);
          sent++;
          continue;
        }
        const payload = encodePayload(cmd.phase, wallClockMillis(), cmd.bodyBytes);
        if (cmd.body === 'chat-json') p.conn.publish(p.destination, chatJsonPayload(payload), 'application/json', true);
        else p.conn.publish(p.destination, payload, 'text/plain', false);
        sent++;
      }
      if (k >= total) {
        clearInterval(timer);
        resolve({ sent, skipped });
      }
    };
    const timer = setInterval(tick, TICK_MS);
    tick();
  });
}

function stomp(index: number): BenchConnection {
  const conn = connections[index];
  if (!(conn instanceof BenchConnection)) throw new Error(`connection ${index} is not an open STOMP session`);
  return conn;
}

async function subscribe(cmd: SubscribeCommand): Promise<SubscribeResult> {
  const started = performance.now();
  await stomp(cmd.index).subscribe(cmd.destinations, cmd.timeoutMs);
  return { elapsedMs: performance.now() - started };
}

async function request(cmd: RequestCommand): Promise<RequestResult> {
  const started = performance.now();
  const body = await stomp(cmd.index).request(cmd.destination, cmd.timeoutMs);
  return { body: body.toString('utf8'), elapsedMs: performance.now() - started };
}

function stats(phase: number): StatsResult {
  const s = phases.get(phase);
  const cpu = process.cpuUsage();
  let heartbeatsIn = 0;
  let openCount = 0;
  for (const c of connections) {
    if (!c) continue;
    heartbeatsIn += c.heartbeatsIn;
    if (c.isOpen) openCount++;
  }
  return {
    phase,
    received: s?.histogram.count ?? 0,
    histogram: s?.histogram.toSparse() ?? [],
    lastReceiveAt: s?.lastReceiveAt ?? 0,
    cpuUserMicros: cpu.user,
    cpuSystemMicros: cpu.system,
    open: openCount,
    lost,
    heartbeatsIn,
    errorFrames,
    problems: [...problems],
    roomEvents: roomEvents.snapshot(),
    ownTyping,
  };
}

async function closeAll(): Promise<null> {
  clearInterval(heartbeatTimer);
  await Promise.all(connections.map((c) => c?.close(3_000)));
  return null;
}

async function handle(cmd: WorkerCommand): Promise<WorkerReply> {
  try {
    switch (cmd.kind) {
      case 'open': return { reqId: cmd.reqId, ok: true, result: await open(cmd) };
      case 'publish': return { reqId: cmd.reqId, ok: true, result: await publish(cmd) };
      case 'subscribe': return { reqId: cmd.reqId, ok: true, result: await subscribe(cmd) };
      case 'request': return { reqId: cmd.reqId, ok: true, result: await request(cmd) };
      case 'stats': return { reqId: cmd.reqId, ok: true, result: stats(cmd.phase) };
      case 'close': return { reqId: cmd.reqId, ok: true, result: await closeAll() };
      default: return { reqId: (cmd as { reqId: number }).reqId, ok: false, error: 'unknown command' };
    }
  } catch (err) {
    return { reqId: cmd.reqId, ok: false, error: err instanceof Error ? err.message : String(err) };
  }
}

if (!process.send) {
  console.error('load-worker runs as a child of bench/run.js (it needs an IPC channel)');
  process.exit(2);
}
process.on('message', (cmd: WorkerCommand) => {
  void handle(cmd).then((reply) => process.send?.(reply));
});
// The orchestrator going away must not leave 5,000 sockets behind.
process.on('disconnect', () => process.exit(0));
