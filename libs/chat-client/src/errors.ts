/**
 * The server's stable error codes (docs/destinations.md and docs/http.md list them): what a refusal on
 * /user/queue/errors, an HTTP answer's `error` or a Socket.IO ack's `error` may say.
 */
export const SERVER_ERROR_CODES = [
  'invalid-room', 'invalid-text', 'invalid-from', 'invalid-client-message-id', 'invalid-query', 'invalid-since-id',
  'invalid-title', 'invalid-visibility', 'invalid-user', 'invalid-message-id', 'invalid-read-marker', 'invalid-seconds',
  'invalid-reason', 'bad-json', 'bad-frame', 'no-handler', 'forbidden-destination', 'forbidden', 'forbidden-origin', 'unauthorized',
  'not-author', 'edit-window-passed', 'not-found', 'unknown-message', 'room-exists', 'message-deleted', 'muted', 'banned',
  'rate-limited', 'too-many-connections', 'too-many-subscriptions', 'body-too-large', 'payload-too-large',
  'unsupported-media-type', 'store-busy', 'store-failed', 'shutting-down', 'internal-error',
] as const;

/** Codes the client itself gives, for what no server said. */
export const CLIENT_ERROR_CODES = [
  /** The connection ended before the server answered. */
  'connection-lost',
  /** The server did not answer in time. */
  'timeout',
  /** There is no connection now, and the client is not trying to make one. */
  'not-connected',
  /** close() was called. */
  'closed',
  /** The transport cannot do this (typing over SSE or long polling). */
  'unsupported',
  /** A STOMP ERROR frame, a refused handshake, an answer that is not what the server promises. */
  'protocol-error',
] as const;

export type ServerErrorCode = (typeof SERVER_ERROR_CODES)[number];
export type ClientErrorCode = (typeof CLIENT_ERROR_CODES)[number];
/** A code a newer server may add still arrives, as a plain string. */
export type ChatErrorCode = ServerErrorCode | ClientErrorCode | (string & {});

/** Failures a send() tries again, with the same client-message-id, so a retry is stored once. */
const RETRIED: ReadonlySet<string> = new Set(['connection-lost', 'timeout', 'not-connected', 'store-busy', 'store-failed', 'shutting-down']);

export interface ChatErrorDetails {
  room?: string;
  destination?: string;
  /** The HTTP status, for an answer of an HTTP door. */
  status?: number;
}

/** Every failure the client reports: a stable `code`, a sentence for people, what it was about. */
export class ChatClientError extends Error {
  override readonly name = 'ChatClientError';
  readonly room?: string;
  readonly destination?: string;
  readonly status?: number;

  constructor(
    readonly code: ChatErrorCode,
    message: string,
    details: ChatErrorDetails = {},
  ) {
    super(message);
    if (details.room !== undefined) this.room = details.room;
    if (details.destination !== undefined) this.destination = details.destination;
    if (details.status !== undefined) this.status = details.status;
  }

  /** True when trying the same thing again later may succeed. */
  get retryable(): boolean {
    return RETRIED.has(this.code);
  }
}

/** A refusal body `{"error","message",...}` from any door, as an error; undefined when it is none. */
export function errorFromBody(body: unknown, details: ChatErrorDetails = {}): ChatClientError | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const b = body as Record<string, unknown>;
  if (typeof b.error !== 'string') return undefined;
  const message = typeof b.message === 'string' ? b.message : `The server refused: ${b.error}.`;
  const destination = typeof b.destination === 'string' ? b.destination : details.destination;
  return new ChatClientError(b.error, message, { ...details, ...(destination !== undefined && { destination }) });
}
