/**
 * Which headers a message carries from its sender to its subscribers: ONE rule, applied where a
 * BrokerMessage is made (createMessage), so the simple broker and the relay forward exactly the same
 * headers, and checked again by the relay on every frame it writes to the shared upstream connection.
 *
 * An allow-list (#10): a header travels when it is
 *   - `content-type`, or
 *   - a custom name: lower-case ASCII letters and digits in hyphen-separated words (`chat-id`, `note`,
 *     `trace-id`), starting with a letter, at most 64 characters,
 *     and not one of the names STOMP or RabbitMQ give a meaning to (RESERVED below, `x-*`, `amqp-*`).
 * Everything else is dropped without a word: framing headers, anything with upper-case letters or other
 * characters, and the names that make RabbitMQ refuse a SEND and close the node's one shared connection
 * (`user-id`, `priority`, `expiration`, `reply-to`, `timestamp`, `message-id`, `x-message-ttl`, ...) or
 * change what it does with the message (`persistent`, `x-*` queue arguments, `reply-to` temp queues).
 * The name decides, never the value: values are carried as they are (the codec escapes them).
 */
export const CONTENT_TYPE = 'content-type';

const CUSTOM_NAME = /^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/;
const MAX_NAME_LENGTH = 64;
/** Prefixes RabbitMQ reads as queue arguments or AMQP properties. */
const RESERVED_PREFIXES = ['x-', 'amqp-'];

/** Names that match the custom pattern but belong to STOMP, to RabbitMQ's STOMP plugin, or to identity. */
const RESERVED: ReadonlySet<string> = new Set([
  // STOMP frames and sessions
  'accept-version', 'ack', 'content-length', 'destination', 'heart-beat', 'host', 'id', 'login', 'message',
  'message-id', 'nack', 'passcode', 'receipt', 'receipt-id', 'redelivered', 'server', 'session', 'subscription',
  'transaction', 'version',
  // RabbitMQ STOMP: AMQP message properties and queue/subscription options
  'app-id', 'auto-delete', 'content-encoding', 'correlation-id', 'durable', 'exclusive', 'expiration', 'expires',
  'persistent', 'prefetch-count', 'priority', 'reply-to', 'timestamp', 'type', 'user-id',
  // credentials never travel to other subscribers
  'authorization',
]);

export function isApplicationHeader(name: string): boolean {
  if (name === CONTENT_TYPE) return true;
  if (name.length > MAX_NAME_LENGTH || !CUSTOM_NAME.test(name) || RESERVED.has(name)) return false;
  return !RESERVED_PREFIXES.some((prefix) => name.startsWith(prefix));
}

/** The headers of `headers` that travel with a message. */
export function applicationHeaders(headers: Iterable<readonly [string, string]>): Map<string, string> {
  const out = new Map<string, string>();
  for (const [name, value] of headers) if (isApplicationHeader(name)) out.set(name, value);
  return out;
}
