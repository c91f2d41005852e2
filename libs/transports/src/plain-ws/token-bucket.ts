/**
 * Per-socket rate limit for chat messages: `ratePerSec` tokens refill continuously up to `burst`; a
 * rate of 0 turns it off. (stomp-session keeps its own for STOMP sessions; it is not exported.)
 */
export class TokenBucket {
  private tokens: number;
  private last = performance.now();

  constructor(
    private readonly ratePerSec: number,
    private readonly burst: number,
  ) {
    this.tokens = Math.max(1, burst);
  }

  take(): boolean {
    if (this.ratePerSec <= 0) return true;
    const now = performance.now();
    this.tokens = Math.min(Math.max(1, this.burst), this.tokens + ((now - this.last) / 1000) * this.ratePerSec);
    this.last = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}
