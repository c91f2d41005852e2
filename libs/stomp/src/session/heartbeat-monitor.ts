/**
 * Heart-beats for one session, both ways. The hot path only bumps counters (no clock read per frame);
 * each timer tick asks "did anything move since the last tick?". Timers are created once per session,
 * so 10,000 idle sessions cost 2 timers each and no allocation per beat.
 */
export class HeartbeatMonitor {
  private sendTimer?: NodeJS.Timeout;
  private checkTimer?: NodeJS.Timeout;
  private receivedCount = 0;
  private sentCount = 0;

  constructor(
    private readonly sendBeat: () => void,
    private readonly onSilence: () => void,
  ) {}

  /** Starts the negotiated schedule; 0 in either direction turns that direction off. */
  start(sendEveryMs: number, expectEveryMs: number): void {
    this.stop();
    if (sendEveryMs > 0) {
      let seen = this.sentCount;
      // Any frame counts as a beat. Ticking at half the interval and beating after one quiet tick keeps
      // every gap within the promised interval, and an idle session still beats only once per interval.
      this.sendTimer = setInterval(() => {
        if (this.sentCount === seen) this.sendBeat();
        seen = this.sentCount;
      }, Math.max(1, Math.floor(sendEveryMs / 2)));
      this.sendTimer.unref();
    }
    if (expectEveryMs > 0) {
      // Tolerate jitter and timer drift: the client is dead after two whole intervals without a byte.
      let seen = this.receivedCount;
      let silent = 0;
      this.checkTimer = setInterval(() => {
        silent = this.receivedCount === seen ? silent + 1 : 0;
        seen = this.receivedCount;
        if (silent >= 2) this.onSilence();
      }, expectEveryMs);
      this.checkTimer.unref();
    }
  }

  received(): void {
    this.receivedCount++;
  }

  sent(): void {
    this.sentCount++;
  }

  stop(): void {
    if (this.sendTimer) clearInterval(this.sendTimer);
    if (this.checkTimer) clearInterval(this.checkTimer);
    this.sendTimer = this.checkTimer = undefined;
  }
}
