/**
 * A draft says "typing" only once it has been there this long: a quick message is sent before anyone would
 * read the line, and a typing SEND would spend the session's rate-limit token the message itself needs.
 */
export const TYPING_DELAY_MS = 1_000;
/**
 * While the user writes, the room hears "typing" again every this many ms: the server ends typing by itself
 * 5 s after the last one and passes at most one a second, so this keeps it alive with few events.
 */
export const TYPING_REPEAT_MS = 3_000;

/**
 * Turns the composer's input into typing signals: "typing" when a draft has lasted a moment and every few
 * seconds while it changes, "stopped" when it is sent or cleared.
 */
export class TypingNotifier {
  /** When "typing" was last said; 0 while the room has not heard it. */
  private lastSent = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly signal: (typing: boolean) => void,
    private readonly now: () => number = Date.now,
  ) {}

  /** The draft changed. */
  input(draft: string): void {
    if (draft.trim() === '') return this.stop();
    if (this.timer !== undefined) return;
    const wait = this.lastSent === 0 ? TYPING_DELAY_MS : this.lastSent + TYPING_REPEAT_MS - this.now();
    if (wait > 0) {
      this.timer = setTimeout(() => this.say(), wait);
      return;
    }
    this.say();
  }

  /** The draft was sent or cleared. */
  stop(): void {
    this.cancel();
    if (this.lastSent === 0) return;
    this.lastSent = 0;
    this.signal(false);
  }

  /** Another room (or connection): the old one ends typing by itself, the new one has heard nothing yet. */
  reset(): void {
    this.cancel();
    this.lastSent = 0;
  }

  private say(): void {
    this.timer = undefined;
    this.lastSent = this.now();
    this.signal(true);
  }

  private cancel(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }
}
