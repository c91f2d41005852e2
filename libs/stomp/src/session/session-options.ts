import type { DecoderLimits } from '@app/stomp-codec';

export interface SessionOptions {
  limits: DecoderLimits;
  maxSubscriptions: number;
  /** Time from transport open to the CONNECT frame. */
  connectTimeoutMs: number;
  /** Heart-beat interval the server proposes to send (0 = none), and to receive (default: the same). */
  heartbeatMs: number;
  heartbeatReceiveMs?: number;
  /** SENDs and SUBSCRIBEs here go to the application (message handlers). */
  applicationPrefix: string;
  /** Destinations the broker fans out. */
  brokerPrefixes: readonly string[];
  /** Unsent bytes, and time the queue may stay non-empty, before a slow client is dropped. */
  sendBufferBytes: number;
  sendTimeLimitMs: number;
  /** Chat messages (SENDs to /app) a session may send: token bucket; 0 = off. */
  rateLimitPerSec: number;
  rateLimitBurst: number;
  /** Open transactions per session, and frames buffered per transaction. */
  maxTransactions: number;
  maxTransactionFrames: number;
  /** Bytes (headers and bodies) all open transactions of one session may hold together. */
  maxTransactionBytes: number;
  /** `server` header of CONNECTED. */
  serverName: string;
  /** Log every frame at `debug` (SessionLog). */
  logFrames?: boolean;
}

/** Provider token: the SessionOptions every session of the endpoint runs with. */
export const SESSION_OPTIONS = Symbol('SessionOptions');

export const DEFAULT_SESSION_OPTIONS: SessionOptions = {
  limits: { maxFrameBytes: 64 * 1024, maxHeaders: 100, maxHeaderBytes: 8 * 1024 },
  maxSubscriptions: 128,
  connectTimeoutMs: 10_000,
  heartbeatMs: 10_000,
  applicationPrefix: '/app',
  brokerPrefixes: ['/topic', '/queue'],
  sendBufferBytes: 512 * 1024,
  sendTimeLimitMs: 10_000,
  rateLimitPerSec: 20,
  rateLimitBurst: 40,
  maxTransactions: 16,
  maxTransactionFrames: 1_000,
  maxTransactionBytes: 1024 * 1024,
  serverName: 'stomp-chat/0.1',
};

/** Destinations the session hands to the user-destination resolver rather than the broker. */
export interface UserDestinationResolver {
  /** The broker destination a SUBSCRIBE to `/user/...` maps to for this session; undefined if not a user destination. */
  subscriptionTarget(sessionId: string, destination: string): string | undefined;
  /** True for broker destinations a client may not name itself (another session's private queue). */
  isPrivate(destination: string): boolean;
  connected(sessionId: string, user: string | undefined): void;
  disconnected(sessionId: string, user: string | undefined): void;
}
