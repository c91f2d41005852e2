import { TokenBucket } from '@app/stomp-session';
import { addressKey } from './connection-limiter';

/**
 * The chat-message token bucket (RATE_LIMIT_PER_SEC, RATE_LIMIT_BURST; rate 0 = off) for doors that have
 * no session, i.e. REST posts: one bucket per remote address (IPv6 by /64, as ConnectionLimiter).
 * Memory stays bounded: a bucket that has refilled is the same as no bucket, so full ones are swept
 * whenever the table grows past `maxAddresses`; if it is still full, the oldest entry gives way.
 */
export class AddressRateLimiter {
  private readonly buckets = new Map<string, TokenBucket>();

  constructor(
    private readonly ratePerSec: number,
    private readonly burst: number,
    private readonly maxAddresses = 50_000,
  ) {}

  get enabled(): boolean {
    return this.ratePerSec > 0;
  }

  /** Takes one token for `address`; false when it has none left. */
  take(address: string | undefined, now = performance.now()): boolean {
    if (!this.enabled) return true;
    const key = addressKey(address);
    let bucket = this.buckets.get(key);
    if (!bucket) {
      if (this.buckets.size >= this.maxAddresses) this.sweep(now);
      bucket = new TokenBucket(this.ratePerSec, this.burst, now);
      this.buckets.set(key, bucket);
    }
    return bucket.take(now);
  }

  get size(): number {
    return this.buckets.size;
  }

  private sweep(now: number): void {
    for (const [key, b] of this.buckets) if (b.isFull(now)) this.buckets.delete(key);
    if (this.buckets.size >= this.maxAddresses) {
      const oldest = this.buckets.keys().next();
      if (!oldest.done) this.buckets.delete(oldest.value);
    }
  }
}
