/**
 * Room events (CONTRACT "Room events": join, leave, typing...) as the load generator counts them, apart
 * from the bench's own payloads. Reading is by byte search, not JSON.parse: at 1,000 users one typist
 * costs 1,000 deliveries a second, and the generator shares the machine with the server.
 *
 * The latency of a room event is its `at` (the server's clock when it decided the event, in ms) to its
 * receipt here: what the server adds, without the client's leg to it.
 */
import { LatencyHistogram, type SparseHistogram } from './latency-histogram';

/** `typing` is `"typing":true`; `typing-stop` is `"typing":false` (sent, or the 5 s timeout). */
export const ROOM_EVENT_KINDS = ['join', 'leave', 'typing', 'typing-stop', 'other'] as const;
export type RoomEventKind = (typeof ROOM_EVENT_KINDS)[number];

const TYPE_PREFIX = Buffer.from('{"type":"');
const TYPING_TRUE = Buffer.from('"typing":true');
const AT = Buffer.from('"at":"');
const QUOTE = 0x22;

export interface RoomEventSighting {
  kind: RoomEventKind;
  /** The event's `at` in ms since the epoch, NaN when it has none. */
  at: number;
}

/** Null when the body is no room event (a bench payload, a stored message). */
export function readRoomEvent(body: Buffer): RoomEventSighting | null {
  if (body.length < TYPE_PREFIX.length || body.compare(TYPE_PREFIX, 0, TYPE_PREFIX.length, 0, TYPE_PREFIX.length) !== 0) return null;
  const typeEnd = body.indexOf(QUOTE, TYPE_PREFIX.length);
  if (typeEnd < 0) return null;
  const type = body.toString('latin1', TYPE_PREFIX.length, typeEnd);
  let kind: RoomEventKind;
  if (type === 'typing') kind = body.includes(TYPING_TRUE, typeEnd) ? 'typing' : 'typing-stop';
  else if (type === 'join' || type === 'leave') kind = type;
  else kind = 'other';
  return { kind, at: timeOf(body, typeEnd) };
}

function timeOf(body: Buffer, from: number): number {
  const at = body.indexOf(AT, from);
  if (at < 0) return NaN;
  const end = body.indexOf(QUOTE, at + AT.length);
  return end < 0 ? NaN : Date.parse(body.toString('latin1', at + AT.length, end));
}

export interface RoomEventCount {
  received: number;
  histogram: SparseHistogram;
  /** Wall-clock ms of the last one (0 if none). */
  lastReceiveAt: number;
}

/** One worker's room events since it started, by kind (each kind belongs to one phase of the presence scenario). */
export class RoomEventTally {
  private readonly kinds = new Map<RoomEventKind, { histogram: LatencyHistogram; received: number; lastReceiveAt: number }>();

  record(sighting: RoomEventSighting, receivedAt: number): void {
    let entry = this.kinds.get(sighting.kind);
    if (!entry) {
      entry = { histogram: new LatencyHistogram(), received: 0, lastReceiveAt: 0 };
      this.kinds.set(sighting.kind, entry);
    }
    entry.received++;
    entry.lastReceiveAt = receivedAt;
    // `at` is whole ms, so this reads up to 1 ms high; a clock step below 0 is recorded as 0.
    if (Number.isFinite(sighting.at)) entry.histogram.recordMillis(receivedAt - sighting.at);
  }

  snapshot(): Partial<Record<RoomEventKind, RoomEventCount>> {
    const out: Partial<Record<RoomEventKind, RoomEventCount>> = {};
    for (const [kind, e] of this.kinds) out[kind] = { received: e.received, histogram: e.histogram.toSparse(), lastReceiveAt: e.lastReceiveAt };
    return out;
  }
}
