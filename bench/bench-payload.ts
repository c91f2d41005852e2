/**
 * The body every bench SEND carries: "<phase> <send time in ms> <padding>".
 *
 * The send time is wall-clock milliseconds with microsecond decimals (performance.timeOrigin +
 * performance.now()): hrtime is per-process, but every process on one machine shares the wall clock,
 * so a subscriber in another worker can subtract it from its own receive time.
 */
import { performance } from 'node:perf_hooks';

export function wallClockMillis(): number {
  return performance.timeOrigin + performance.now();
}

export function encodePayload(phase: number, sentAt: number, bytes: number): Buffer {
  const head = `${phase} ${sentAt.toFixed(3)} `;
  return Buffer.from(head.length >= bytes ? head : head + '.'.repeat(bytes - head.length), 'latin1');
}

export interface DecodedPayload {
  phase: number;
  sentAt: number;
}

/** The payload as a chat message body (`/app/rooms/..`); the padding is plain ASCII, so it needs no escaping. */
export function chatJsonPayload(payload: Buffer): Buffer {
  return Buffer.from(`{"from":"bench","text":"${payload.toString('latin1')}"}`, 'latin1');
}

const TEXT_KEY = Buffer.from('"text":"');

/**
 * Null when the body is not a bench payload (a stray message must not poison the figures). A stored chat
 * message (JSON) carries the payload in its `text`.
 */
export function decodePayload(body: Buffer): DecodedPayload | null {
  let start = 0;
  if (body[0] === 0x7b /* { */) {
    const at = body.indexOf(TEXT_KEY);
    if (at < 0) return null;
    start = at + TEXT_KEY.length;
  }
  const head = body.toString('latin1', start, Math.min(body.length, start + 40));
  const firstSpace = head.indexOf(' ');
  const secondSpace = head.indexOf(' ', firstSpace + 1);
  if (firstSpace <= 0 || secondSpace < 0) return null;
  const phase = Number(head.slice(0, firstSpace));
  const sentAt = Number(head.slice(firstSpace + 1, secondSpace));
  if (!Number.isInteger(phase) || !Number.isFinite(sentAt)) return null;
  return { phase, sentAt };
}
