/** SEND_BUFFER_BYTES and SEND_TIME_LIMIT_MS: what a client may leave unread before it is dropped. */
export interface SendLimits {
  /** Unsent bytes above which the client is dropped. */
  bufferBytes: number;
  /** How long unsent bytes may wait (the queue stays non-empty) before the client is dropped. */
  timeLimitMs: number;
}

/**
 * The one slow-consumer rule of every door (Spring's ConcurrentWebSocketSessionDecorator, Centrifuge's
 * write queue): a client is dropped when its unsent bytes pass `bufferBytes`, or when it has taken none
 * of them for `timeLimitMs`. The door calls `written()` after each write; a timer runs only while
 * something is waiting, so an idle or keeping-up client costs nothing, and a client that stops reading
 * after its last message is still dropped on time.
 */
export class SendLimit {
  private blockedSince = 0;
  /** Bytes handed to the door so far, and how many of them had left it at the last look. */
  private bytesWritten = 0;
  private flushedAtLastLook = 0;
  private timer: NodeJS.Timeout | undefined;
  private dropped = false;
  /** Waiting for the end of the turn to learn whether the bytes just written are really stuck. */
  private judging = false;

  constructor(
    private readonly limits: SendLimits,
    /** The door's count of accepted but unsent bytes (ws bufferedAmount, a response's writableLength...). */
    private readonly buffered: () => number,
    /** Called once, when the client is too slow: the door counts it and closes the connection. */
    private readonly onSlow: () => void,
  ) {}

  /** True once the client has been found too slow; the door should write no more. */
  get isDropped(): boolean {
    return this.dropped;
  }

  /** Nothing is waiting and no clock runs: the same as a fresh one, so its owner may let it go. */
  get isIdle(): boolean {
    return !this.dropped && this.blockedSince === 0 && !this.judging;
  }

  /** After a write of `bytes`: judge the queue as it is now. */
  written(bytes = 0): void {
    if (this.dropped) return;
    this.bytesWritten += bytes;
    const pending = this.buffered();
    // The hot path: a client that keeps up has nothing pending and no timer to clear.
    if (pending === 0) return this.blockedSince === 0 ? undefined : this.clear();
    if (pending > this.limits.bufferBytes) return this.drop();
    if (this.blockedSince === 0) {
      // Bytes written in this turn are mostly only held for its end (writes are batched per turn), so
      // a clock started now would run, with its timer, after almost every write of every idle client.
      // Whether they are stuck is known once the turn's writes have gone out.
      if (!this.judging) {
        this.judging = true;
        judgeAfterTurn(this);
      }
      return;
    }
    const now = performance.now();
    if (!this.progressed(pending, now) && now - this.blockedSince > this.limits.timeLimitMs) this.drop();
  }

  /** @internal after the turn of a write that left bytes waiting: they are still waiting, so the clock starts. */
  afterTurn(): void {
    this.judging = false;
    if (this.dropped || this.blockedSince !== 0) return;
    const pending = this.buffered();
    if (pending === 0) return;
    if (pending > this.limits.bufferBytes) return this.drop();
    this.blockedSince = performance.now();
    this.flushedAtLastLook = this.bytesWritten - pending;
    this.arm(this.limits.timeLimitMs);
  }

  /**
   * A client that is taking bytes, however slowly, is not stuck: the clock measures time without
   * progress (as a write blocked that long would), not time with a non-empty queue.
   */
  private progressed(pending: number, now: number): boolean {
    const flushed = this.bytesWritten - pending;
    if (flushed <= this.flushedAtLastLook) return false;
    this.flushedAtLastLook = flushed;
    this.blockedSince = now;
    return true;
  }

  /** The connection is gone: no timer may outlive it. */
  stop(): void {
    this.clear();
    this.dropped = true;
  }

  private arm(ms: number): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (this.dropped) return;
      const pending = this.buffered();
      if (pending === 0) return this.clear();
      this.progressed(pending, performance.now());
      const waited = performance.now() - this.blockedSince;
      if (waited >= this.limits.timeLimitMs) return this.drop();
      this.arm(this.limits.timeLimitMs - waited);
    }, Math.max(1, ms));
    this.timer.unref();
  }

  private clear(): void {
    this.blockedSince = 0;
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private drop(): void {
    if (this.dropped) return;
    this.clear();
    this.dropped = true;
    this.onSlow();
  }
}

/** A connection's slow-consumer check that must wait until the turn's batched writes have gone out. */
export interface JudgedAfterTurn {
  afterTurn(): void;
}

const toJudge = new Set<JudgedAfterTurn>();
let judgeScheduled = false;

/**
 * Judges `target` once this turn's writes are out: setImmediate runs after the turn's process.nextTick
 * callbacks, where the batched writes are uncorked. One pass for every connection written to in the turn.
 */
export function judgeAfterTurn(target: JudgedAfterTurn): void {
  toJudge.add(target);
  if (judgeScheduled) return;
  judgeScheduled = true;
  setImmediate(judgeAll);
}

function judgeAll(): void {
  judgeScheduled = false;
  const targets = [...toJudge];
  toJudge.clear();
  for (const target of targets) {
    // One connection's fault while being dropped must not leave the others unjudged (and unbounded).
    try {
      target.afterTurn();
    } catch {
      // The owner's close path reports its own errors.
    }
  }
}

/** How long a closing WebSocket may take to finish its close handshake before it is cut (every door). */
export const CLOSE_GRACE_MS = 2_000;
