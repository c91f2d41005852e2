/**
 * The IPC conversation between bench/run.ts (the orchestrator) and each load-worker process.
 * Every command carries a `reqId`; the worker answers each with exactly one WorkerReply.
 */
import type { SparseHistogram } from './latency-histogram';
import type { RoomEventCount, RoomEventKind } from './room-event-tally';

/**
 * How a worker's connections speak: STOMP over a WebSocket, Socket.IO, STOMP over SockJS (its websocket or
 * xhr-streaming transport; `url` is the SockJS endpoint), or one of the chat's doors without STOMP (`url`
 * is the server's origin; a connection's first subscription names its room).
 */
export type ClientKind = 'stomp' | 'socketio' | 'sockjs-ws' | 'sockjs-xhr-streaming' | 'sse' | 'long-poll' | 'plain-ws';

export interface OpenCommand {
  kind: 'open';
  url: string;
  client: ClientKind;
  /** WebSocket sub-protocol offered to a STOMP target, e.g. v12.stomp. */
  protocol: string;
  heartbeatMs: number;
  /** One entry per connection this worker owns: what it subscribes to (in order), or null (publisher only). */
  subscriptions: Array<string | string[] | null>;
  /** The CONNECT `login` of each connection (by the same index), when the bench names its users. */
  logins?: Array<string | null>;
  /** Handshakes in flight at once, so 10,000 connects do not all land in one tick. */
  concurrency: number;
  /** Per connection, from TCP connect to the SUBSCRIBE receipt. */
  timeoutMs: number;
}

export interface PublishCommand {
  kind: 'publish';
  phase: number;
  /** [connection index in this worker, destination]; publishers take turns so each sends rate/n msg/s. */
  publishers: Array<[number, string]>;
  /** Messages per second summed over this worker's publishers. */
  rate: number;
  durationMs: number;
  bodyBytes: number;
  /**
   * chat-json: `{"from","text": payload}` with a receipt, as the chat's `/app/rooms/..` takes it; raw: the
   * payload; typing: `{"typing":true}` (no payload: the room event it causes is stamped by the server).
   */
  body: 'raw' | 'chat-json' | 'typing';
}

/** Connection `index` subscribes to more destinations (a user joining a room), each acknowledged. */
export interface SubscribeCommand {
  kind: 'subscribe';
  index: number;
  destinations: string[];
  timeoutMs: number;
}

/** Connection `index` SUBSCRIBEs to an application destination that answers once, and returns the answer. */
export interface RequestCommand {
  kind: 'request';
  index: number;
  destination: string;
  timeoutMs: number;
}

export interface StatsCommand {
  kind: 'stats';
  phase: number;
}

export interface CloseCommand {
  kind: 'close';
}

export type WorkerCommand = (OpenCommand | PublishCommand | SubscribeCommand | RequestCommand | StatsCommand | CloseCommand) & { reqId: number };

export interface OpenResult {
  opened: number;
  failed: number;
  /** Up to five distinct failure reasons. */
  errors: string[];
  elapsedMs: number;
}

export interface PublishResult {
  sent: number;
  /** Sends skipped because the publisher's socket had too much unsent data (the server is not reading). */
  skipped: number;
}

/** From SUBSCRIBE to its last RECEIPT (or to the reply), on the worker's clock. */
export interface SubscribeResult {
  elapsedMs: number;
}

export interface RequestResult {
  body: string;
  elapsedMs: number;
}

export interface StatsResult {
  phase: number;
  received: number;
  histogram: SparseHistogram;
  /** Wall-clock ms of the last delivery of this phase (0 if none). */
  lastReceiveAt: number;
  /** process.cpuUsage() of the worker, absolute µs. */
  cpuUserMicros: number;
  cpuSystemMicros: number;
  open: number;
  /** Connections the server closed or that failed after they were set up. */
  lost: number;
  heartbeatsIn: number;
  errorFrames: number;
  /** Up to five distinct problems (ERROR frames, close reasons). */
  problems: string[];
  /** Room events received since the worker started, by kind; counted apart from bench payloads. */
  roomEvents: Partial<Record<RoomEventKind, RoomEventCount>>;
  /** `"typing":true` events that typists received about themselves: how many of their SENDs the server let pass. */
  ownTyping: number;
}

export type WorkerReply =
  | { reqId: number; ok: true; result: OpenResult | PublishResult | SubscribeResult | RequestResult | StatsResult | null }
  | { reqId: number; ok: false; error: string };
