/*
 * The broker's hot path: one publish, many subscribers. Everything that is the same for every
 * subscriber (the given headers, content-length, body, NUL) is encoded once into `tail`; render() writes
 * the command line and the per-subscriber headers in front of it. The per-subscriber headers come first
 * so that, with first-wins decoding, they beat any stale copy in the given headers (which are dropped
 * anyway). render(s, m, a) equals encodeFrame of MESSAGE with headers
 * [subscription, message-id, ack?, ...given headers other than those three].
 */
import type { StompVersion } from './frame';
import { usesEscaping } from './header-escape';
import { encodeHead, encodeHeaderLine, withBody } from './stomp-encoder';

export interface MessageTemplate {
  render(subscription: string, messageId: string, ack?: string): Buffer;
  /**
   * render(subscription, messageId) for a template used with one message id: the same Buffer for every
   * subscriber with the same subscription id (clients number theirs alike: `sub-0`, ...), so a fan-out to
   * a thousand sessions encodes a handful of frames. The Buffer is shared: never write into it.
   */
  shared(subscription: string, messageId: string): Buffer;
}

/** Distinct subscription ids remembered per template: enough for any real client mix, bounded for a hostile one. */
const SHARED_FRAMES = 8;

const COMMAND_LINE = 'MESSAGE\n';
const PER_SUBSCRIBER = new Set(['subscription', 'message-id', 'ack']);

export function createMessageTemplate(
  headers: Iterable<[string, string]>,
  body: Buffer,
  version: StompVersion,
): MessageTemplate {
  const shared: [string, string][] = [];
  for (const entry of headers) if (!PER_SUBSCRIBER.has(entry[0])) shared.push(entry);
  const head = encodeHead('MESSAGE', shared, body.length, version);
  const tail = withBody(head.slice(COMMAND_LINE.length), body);
  const escape = usesEscaping('MESSAGE', version) ? (version as '1.1' | '1.2') : undefined;
  const frames = new Map<string, Buffer>();
  const render = (subscription: string, messageId: string, ack?: string): Buffer => {
    let front = COMMAND_LINE
      + encodeHeaderLine('subscription', subscription, escape)
      + encodeHeaderLine('message-id', messageId, escape);
    if (ack !== undefined) front += encodeHeaderLine('ack', ack, escape);
    const frontBytes = Buffer.byteLength(front, 'utf8');
    const out = Buffer.allocUnsafe(frontBytes + tail.length);
    out.write(front, 0, 'utf8');
    tail.copy(out, frontBytes);
    return out;
  };
  let sharedId: string | undefined;
  return {
    render,
    shared(subscription: string, messageId: string): Buffer {
      sharedId ??= messageId;
      if (messageId !== sharedId) return render(subscription, messageId);
      let frame = frames.get(subscription);
      if (frame === undefined) {
        frame = render(subscription, messageId);
        if (frames.size < SHARED_FRAMES) frames.set(subscription, frame);
      }
      return frame;
    },
  };
}
