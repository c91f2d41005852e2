/**
 * The one rate-limit rule of every door (RATE_LIMIT_PER_SEC, RATE_LIMIT_BURST): `ratePerSec` tokens refill
 * continuously up to a capacity of `burst` (at least 1, so a burst of 0 still lets the rate through);
 * a rate of 0 turns it off. STOMP sessions, plain WebSockets and Socket.IO hold one each; REST holds one
 * per address (AddressRateLimiter).
 */
export class TokenBucket {
  private readonly capacity: number;
  private tokens: number;
  private last: number;

  constructor(
    private readonly ratePerSec: number,
    burst: number,
    now = performance.now(),
  ) {
    this.capacity = Math.max(1, burst);
    this.tokens = this.capacity;
    this.last = now;
  }

  get enabled(): boolean {
    return this.ratePerSec > 0;
  }

  take(now = performance.now()): boolean {
    if (this.ratePerSec <= 0) return true;
    this.refill(now);
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  /** True when the bucket has refilled: it is then the same as a fresh one, and can be forgotten. */
  isFull(now = performance.now()): boolean {
    return this.tokens + ((now - this.last) / 1000) * this.ratePerSec >= this.capacity;
  }

  private refill(now: number): void {
    this.tokens = Math.min(this.capacity, this.tokens + ((now - this.last) / 1000) * this.ratePerSec);
    this.last = now;
  }
}
