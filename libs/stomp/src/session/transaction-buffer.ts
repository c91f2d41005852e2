import type { StompFrame } from '@app/stomp-codec';

export interface TransactionLimits {
  /** Open transactions per session. */
  maxTransactions: number;
  /** Frames one transaction may hold. */
  maxFrames: number;
  /** Bytes (bodies and headers) all open transactions of the session may hold together. */
  maxBytes: number;
}

/** Why a frame was refused: the session ends with an ERROR carrying these. */
export interface TransactionRefusal {
  message: string;
  detail: string;
}

/**
 * What a held frame costs besides its bytes (the frame object, its header map, the body's Buffer): so
 * that a flood of empty frames is bounded by the byte budget too, not only by the frame count.
 */
export const FRAME_OVERHEAD_BYTES = 256;

/** A frame's weight against the budget: command, headers and body, plus the fixed overhead. */
export function heldBytes(frame: StompFrame): number {
  let bytes = FRAME_OVERHEAD_BYTES + frame.command.length + frame.body.length;
  for (const [name, value] of frame.headers) bytes += name.length + value.length + 2;
  return bytes;
}

/**
 * One session's open transactions: the SENDs, ACKs and NACKs held until COMMIT or ABORT. Memory is
 * the reason for the rules here: one budget of bytes over every open transaction of the session (#10:
 * 16 transactions of 1000 frames of 60 KiB held 850 MB), besides the counts.
 */
export class TransactionBuffer {
  private readonly open = new Map<string, { frames: StompFrame[]; bytes: number }>();
  private bytes = 0;

  constructor(private readonly limits: TransactionLimits) {}

  /** Bytes held now, over all open transactions. */
  get heldBytes(): number {
    return this.bytes;
  }

  has(tx: string): boolean {
    return this.open.has(tx);
  }

  begin(tx: string): TransactionRefusal | undefined {
    if (this.open.has(tx)) return { message: 'transaction already started', detail: `Transaction ${tx} is already open.` };
    if (this.open.size >= this.limits.maxTransactions) {
      return { message: 'too many transactions', detail: `A session may hold at most ${this.limits.maxTransactions} open transactions.` };
    }
    this.open.set(tx, { frames: [], bytes: 0 });
    return undefined;
  }

  /** Holds `frame` in `tx`, or says why not (the frame is then not held). */
  enlist(tx: string, frame: StompFrame): TransactionRefusal | undefined {
    const open = this.open.get(tx);
    if (!open) return { message: 'unknown transaction', detail: `Transaction ${tx} was not begun.` };
    if (open.frames.length >= this.limits.maxFrames) {
      return { message: 'transaction too large', detail: `A transaction may hold at most ${this.limits.maxFrames} frames.` };
    }
    const bytes = heldBytes(frame);
    if (this.bytes + bytes > this.limits.maxBytes) {
      return {
        message: 'transaction too large',
        detail: `The open transactions of a session may hold at most ${this.limits.maxBytes} bytes of frames; commit or abort first.`,
      };
    }
    open.frames.push(frame);
    open.bytes += bytes;
    this.bytes += bytes;
    return undefined;
  }

  /** Ends `tx` (COMMIT or ABORT) and hands back its frames; undefined if it is not open. */
  take(tx: string): StompFrame[] | undefined {
    const open = this.open.get(tx);
    if (!open) return undefined;
    this.open.delete(tx);
    this.bytes -= open.bytes;
    return open.frames;
  }

  clear(): void {
    this.open.clear();
    this.bytes = 0;
  }
}
