import { isUtf8 } from 'node:buffer';
import { applicationHeaders } from './application-headers';

/**
 * A published message as the broker sees it: no protocol in it. Encoders (STOMP, SSE, plain WS) keep
 * their once-per-message output in `encodings`, so a message is encoded once, not once per subscriber.
 */
export interface BrokerMessage {
  /**
   * Names the message on this node. STOMP's message-id identifies the message, not one delivery, so every
   * subscriber's MESSAGE carries this same id, and subscribers alike in the rest can share one frame.
   */
  readonly id: string;
  readonly destination: string;
  /** Application headers only (application-headers.ts): never framing or broker-reserved ones. */
  readonly headers: ReadonlyMap<string, string>;
  readonly body: Buffer;
  /** Computed once: true when the body is valid UTF-8. */
  readonly isText: boolean;
  readonly encodings: Map<string, unknown>;
}

let lastId = 0;

/** A fresh node-unique message id (short: it is on every MESSAGE frame). */
export function nextMessageId(): string {
  return (++lastId).toString(36);
}

/** The one way a BrokerMessage is made: whatever `headers` holds, only application headers are kept. */
export function createMessage(
  destination: string,
  body: Buffer | string,
  headers: Iterable<[string, string]> = [],
): BrokerMessage {
  const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  return {
    id: nextMessageId(),
    destination,
    headers: applicationHeaders(headers),
    body: bytes,
    isText: typeof body === 'string' || isUtf8(bytes),
    encodings: new Map(),
  };
}
