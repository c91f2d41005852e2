import { isUtf8 } from 'node:buffer';
import { applicationHeaders } from './application-headers';

/**
 * A published message as the broker sees it: no protocol in it. Encoders (STOMP, SSE, plain WS) keep
 * their once-per-message output in `encodings`, so a message is encoded once, not once per subscriber.
 */
export interface BrokerMessage {
  readonly destination: string;
  /** Application headers only (application-headers.ts): never framing or broker-reserved ones. */
  readonly headers: ReadonlyMap<string, string>;
  readonly body: Buffer;
  /** Computed once: true when the body is valid UTF-8. */
  readonly isText: boolean;
  readonly encodings: Map<string, unknown>;
}

/** The one way a BrokerMessage is made: whatever `headers` holds, only application headers are kept. */
export function createMessage(
  destination: string,
  body: Buffer | string,
  headers: Iterable<[string, string]> = [],
): BrokerMessage {
  const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  return {
    destination,
    headers: applicationHeaders(headers),
    body: bytes,
    isText: typeof body === 'string' || isUtf8(bytes),
    encodings: new Map(),
  };
}
