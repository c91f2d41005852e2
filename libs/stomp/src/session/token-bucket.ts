/** A token bucket for chat messages: `ratePerSec` refill, `burst` capacity; rate 0 turns it off. */
export class TokenBucket {
  private tokens: number;
  private last = performance.now();

  constructor(private readonly ratePerSec: number, private readonly burst: number) {
    this.tokens = burst;
  }

  take(): boolean {
    if (this.ratePerSec <= 0) return true;
    const now = performance.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.ratePerSec);
    this.last = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}
