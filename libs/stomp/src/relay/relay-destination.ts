/**
 * Our destinations → RabbitMQ STOMP destinations, so that every node gets every message.
 *
 * RabbitMQ's `/topic/<key>` publishes to the `amq.topic` exchange and gives each subscriber its own
 * queue: fan-out, which is what every node needs. Its `/queue/<name>` is one shared queue whose consumers
 * compete, which would hand each message to one node only. So every destination of ours, `/topic/**` and
 * `/queue/**` alike, becomes a RabbitMQ `/topic/<routing key>`.
 *
 * The routing key must be injective (two destinations never share a key) and never a pattern (`*` and `#`
 * are AMQP wildcards, `.` separates words, RabbitMQ percent-decodes `%2F`, `/` is not allowed). Our
 * destination without its leading `/` is written byte by byte (UTF-8):
 *   A-Z a-z 0-9 and `-`   themselves
 *   `/`                   `.`   (so `/topic/rooms/a` → `topic.rooms.a`, readable in the management UI)
 *   every other byte      `_` and two upper-case hex digits (`_` itself is `_5F`, `.` is `_2E`)
 * Every output byte thus comes from exactly one rule, which makes the mapping reversible and injective.
 * The topic prefix stays in the key (`topic.` / `queue.`) so `/topic/x` and `/queue/x` stay apart.
 */
export const RABBIT_TOPIC_PREFIX = '/topic/';
/** AMQP short strings: a routing key is at most 255 bytes. */
export const MAX_ROUTING_KEY_BYTES = 255;

export class RelayDestinationError extends Error {
  override readonly name = 'RelayDestinationError';
  readonly code = 'bad-destination';
}

const HEX = '0123456789ABCDEF';

function isPlain(byte: number): boolean {
  return (
    (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5a) || (byte >= 0x61 && byte <= 0x7a) || byte === 0x2d
  );
}

export function toRoutingKey(destination: string): string {
  if (!destination.startsWith('/') || destination.length < 2) {
    throw new RelayDestinationError(`a relayed destination starts with "/" and names something: "${destination}"`);
  }
  let key = '';
  for (const byte of Buffer.from(destination.slice(1), 'utf8')) {
    if (isPlain(byte)) key += String.fromCharCode(byte);
    else if (byte === 0x2f) key += '.';
    else key += '_' + HEX[byte >> 4] + HEX[byte & 15];
    if (key.length > MAX_ROUTING_KEY_BYTES) {
      throw new RelayDestinationError(`destination is too long to relay (over ${MAX_ROUTING_KEY_BYTES} bytes once escaped)`);
    }
  }
  return key;
}

export function fromRoutingKey(key: string): string {
  const bytes: number[] = [];
  for (let i = 0; i < key.length; i++) {
    const c = key.charCodeAt(i);
    if (c === 0x2e) bytes.push(0x2f);
    else if (c === 0x5f) {
      const hex = key.slice(i + 1, i + 3);
      if (!/^[0-9A-F]{2}$/.test(hex)) throw new RelayDestinationError(`bad escape in routing key "${key}"`);
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else if (isPlain(c)) bytes.push(c);
    else throw new RelayDestinationError(`unexpected character in routing key "${key}"`);
  }
  return '/' + Buffer.from(bytes).toString('utf8');
}

/** The RabbitMQ STOMP destination for one of ours. Throws RelayDestinationError when it cannot be relayed. */
export function toRabbitDestination(destination: string): string {
  return RABBIT_TOPIC_PREFIX + toRoutingKey(destination);
}

export function fromRabbitDestination(rabbit: string): string {
  if (!rabbit.startsWith(RABBIT_TOPIC_PREFIX)) throw new RelayDestinationError(`not a relayed destination: "${rabbit}"`);
  return fromRoutingKey(rabbit.slice(RABBIT_TOPIC_PREFIX.length));
}
