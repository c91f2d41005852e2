/**
 * Heart-beats for one session, both ways. Timers are re-armed with refresh() rather than recreated, so
 * 10,000 idle sessions cost 2 timers each and no allocation per beat.
 */
export class HeartbeatMonitor {
  private sendTimer?: NodeJS.Timeout;
  private checkTimer?: NodeJS.Timeout;
  private lastReceived = performance.now();
  private lastSent = performance.now();

  constructor(
    private readonly sendBeat: () => void,
    private readonly onSilence: () => void,
  ) {}

  /** Starts the negotiated schedule; 0 in either direction turns that direction off. */
  start(sendEveryMs: number, expectEveryMs: number): void {
    this.stop();
    if (sendEveryMs > 0) {
      this.sendTimer = setInterval(() => {
        // Any frame counts as a beat: only fill silence.
        if (performance.now() - this.lastSent >= sendEveryMs * 0.9) this.sendBeat();
      }, sendEveryMs);
      this.sendTimer.unref();
    }
    if (expectEveryMs > 0) {
      // Tolerate network jitter and timer drift: the client is dead after two missed beats.
      const grace = expectEveryMs * 2;
      this.checkTimer = setInterval(() => {
        if (performance.now() - this.lastReceived > grace) this.onSilence();
      }, expectEveryMs);
      this.checkTimer.unref();
    }
  }

  received(): void {
    this.lastReceived = performance.now();
  }

  sent(): void {
    this.lastSent = performance.now();
  }

  stop(): void {
    if (this.sendTimer) clearInterval(this.sendTimer);
    if (this.checkTimer) clearInterval(this.checkTimer);
    this.sendTimer = this.checkTimer = undefined;
  }
}
