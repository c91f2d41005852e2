/** One room's stored messages in the last minute, for the admin view. */
export interface RoomRate {
  room: string;
  perMinute: number;
}

const BUCKET_MS = 10_000;
const BUCKETS = 6;
/** Rooms tracked at once: past it the quietest are forgotten, so a flood of room names costs a bound. */
const MAX_ROOMS = 10_000;
/** Rooms looked at, oldest first, to find one to forget. */
const EVICTION_SAMPLE = 64;

interface Window {
  /** Counts per 10 s bucket; `at` is the bucket number of `counts[0]`'s slot. */
  counts: number[];
  lastBucket: number;
}

/**
 * Messages stored per room over the last minute on this node (six 10 s buckets, so the figure moves
 * smoothly). Recording is O(1); `top` sorts only the rooms seen in the last minute.
 */
export class RoomRates {
  private readonly rooms = new Map<string, Window>();

  constructor(private readonly now: () => number = Date.now) {}

  record(room: string): void {
    const bucket = Math.floor(this.now() / BUCKET_MS);
    let w = this.rooms.get(room);
    if (!w) {
      if (this.rooms.size >= MAX_ROOMS) this.forgetQuietest(bucket);
      w = { counts: new Array<number>(BUCKETS).fill(0), lastBucket: bucket };
      this.rooms.set(room, w);
    }
    advance(w, bucket);
    w.counts[bucket % BUCKETS]++;
  }

  /** The busiest rooms of the last minute, busiest first. */
  top(n: number): RoomRate[] {
    const bucket = Math.floor(this.now() / BUCKET_MS);
    const out: RoomRate[] = [];
    for (const [room, w] of this.rooms) {
      advance(w, bucket);
      const perMinute = w.counts.reduce((a, b) => a + b, 0);
      if (perMinute === 0) this.rooms.delete(room);
      else out.push({ room, perMinute });
    }
    return out.sort((a, b) => b.perMinute - a.perMinute || (a.room < b.room ? -1 : 1)).slice(0, n);
  }

  /**
   * Forgets the quietest of the longest-tracked rooms: a look at a few, not at all 10,000, so that a
   * flood of new room names costs each post a bounded amount of work.
   */
  private forgetQuietest(bucket: number): void {
    let quietest: string | undefined;
    let least = Infinity;
    let looked = 0;
    for (const [room, w] of this.rooms) {
      advance(w, bucket);
      const total = w.counts.reduce((a, b) => a + b, 0);
      if (total < least) [quietest, least] = [room, total];
      if (total === 0 || ++looked >= EVICTION_SAMPLE) break;
    }
    if (quietest !== undefined) this.rooms.delete(quietest);
  }
}

/** Zeroes the buckets that fell out of the window since the room was last touched. */
function advance(w: Window, bucket: number): void {
  const steps = Math.min(BUCKETS, bucket - w.lastBucket);
  for (let i = 1; i <= steps; i++) w.counts[(w.lastBucket + i) % BUCKETS] = 0;
  w.lastBucket = Math.max(w.lastBucket, bucket);
}
