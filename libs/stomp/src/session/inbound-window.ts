/** A source of client input that can stop being read (a socket: TCP then pushes back on the client). */
export interface InboundFlow {
  pause(): void;
  resume(): void;
}

/**
 * Inbound flow control, the one rule of every door that reads a socket: at most `limit` client
 * messages may be owed an answer (a RECEIPT, an ack, an error) at once. Past it, what arrives is held
 * unread and the socket is paused; when half of the answers have come, the held input is handed on in
 * order and the socket read again.
 *
 * Why: one event-loop turn reads everything a socket has buffered (megabytes under a flood) and hands
 * it all on synchronously, while a database commit needs several turns (BEGIN, statements, COMMIT). A
 * client that writes faster than the store commits would make every turn longer and no commit would
 * ever finish; refusing the excess (store-busy) costs a turn's work too. Bounding what is owed bounds
 * each turn's work by what the store has already answered, so commits keep finishing.
 *
 * Without an InboundFlow (a transport that cannot pause) nothing is held: input is handed on at once,
 * as before, and only counted.
 */
export class InboundWindow<T> {
  private owed = 0;
  /** Input waiting while paused; made when first needed (most sessions never pause). */
  private held?: T[];
  private paused = false;
  private draining = false;
  private closed = false;

  constructor(
    private readonly limit: number,
    private readonly take: (input: T) => void,
    private readonly flow?: InboundFlow,
  ) {}

  /** True while the socket is paused by this window (its silence is ours, not the client's). */
  get isPaused(): boolean {
    return this.paused;
  }

  /** Answers owed now. */
  get unanswered(): number {
    return this.owed;
  }

  /** Input from the client: handed on now, or held until enough answers have come. */
  offer(input: T): void {
    if (this.closed) return;
    if (this.flow && (this.held !== undefined || this.owed >= this.limit)) {
      (this.held ??= []).push(input);
      this.pause();
      return;
    }
    this.take(input);
  }

  /** An answer is now owed; the returned function is called when it has been given (only the first call counts). */
  owe(): () => void {
    this.owed++;
    let settled = false;
    return () => {
      if (settled) return;
      settled = true;
      this.owed--;
      this.drain();
    };
  }

  /** The connection is gone: drop what is held and never pause again (a closing socket must be read). */
  close(): void {
    this.closed = true;
    this.held = undefined;
    this.resumeFlow();
  }

  private drain(): void {
    // take() may settle an answer synchronously and so call back here: the outer loop goes on.
    if (this.draining || this.closed) return;
    if (this.paused && this.owed > this.limit / 2) return;
    this.draining = true;
    try {
      while (this.held !== undefined && this.held.length > 0 && this.owed < this.limit && !this.closed) this.take(this.held.shift()!);
    } finally {
      this.draining = false;
    }
    if (this.held === undefined || this.held.length === 0) {
      this.held = undefined;
      this.resumeFlow();
    }
  }

  private pause(): void {
    if (this.paused) return;
    this.paused = true;
    this.flow!.pause();
  }

  private resumeFlow(): void {
    if (!this.paused) return;
    this.paused = false;
    this.flow!.resume();
  }
}
