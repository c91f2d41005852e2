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

/** Null when the body is not a bench payload (a stray message must not poison the figures). */
export function decodePayload(body: Buffer): DecodedPayload | null {
  const head = body.toString('latin1', 0, Math.min(body.length, 40));
  const firstSpace = head.indexOf(' ');
  const secondSpace = head.indexOf(' ', firstSpace + 1);
  if (firstSpace <= 0 || secondSpace < 0) return null;
  const phase = Number(head.slice(0, firstSpace));
  const sentAt = Number(head.slice(firstSpace + 1, secondSpace));
  if (!Number.isInteger(phase) || !Number.isFinite(sentAt)) return null;
  return { phase, sentAt };
}
