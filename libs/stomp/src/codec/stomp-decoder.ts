/*
 * Incremental STOMP decoder.
 *
 * States (one frame at a time, any chunking):
 *   command     between frames: an empty line (`\n` or `\r\n`) is a heart-beat, anything else must be a
 *               known command line.
 *   headers     one `name:value` line at a time until the empty line that ends the head.
 *   body-length `content-length` was given: the body is copied straight into a buffer allocated once,
 *               so it may contain NUL octets.
 *   terminator  the byte after a counted body must be NUL.
 *   body-nul    no `content-length`: the body runs to the first NUL.
 *
 * Bytes are only held across pushes for an unfinished line or an unfinished body. A held line is bounded
 * by the longest command (command state) or by maxHeaderBytes (headers state), checked before the piece
 * is kept, and every held byte also counts toward maxFrameBytes. A counted body is checked against
 * maxFrameBytes when its `content-length` is read, before anything is allocated; a NUL-terminated body
 * is checked each time a piece arrives, before the piece is kept. So a hostile peer can make the
 * decoder hold at most about maxFrameBytes, whatever it sends.
 *
 * Scanning uses Buffer.indexOf; a line is joined from its pieces once, when its `\n` arrives; a body is
 * copied exactly once (into its own buffer, so the frame never aliases a caller's chunk). Pieces of an
 * unfinished line or NUL-terminated body are kept by reference until the frame completes: callers must
 * not reuse a Buffer after pushing it (sockets and `ws` never do).
 *
 * Header escaping depends on the negotiated version, and a chunk may hold CONNECT and the frames after
 * it. feed() hands each frame to its caller the moment it completes, before the next frame's command
 * line is read, so a caller that sets `version` while handling CONNECT has every later frame of the same
 * chunk decoded with the version then in force (#10). push() collects the frames of a chunk instead, for
 * callers whose version cannot change mid-chunk (the relay, tests).
 *
 * The first error is thrown as a StompCodecError and remembered: the stream is out of sync from then
 * on, so every later push throws it again. push() does not return frames completed earlier in the same
 * chunk; feed() has already handed them over.
 */
import { StompCodecError } from './codec-error';
import {
  CLIENT_COMMANDS, DEFAULT_LIMITS, SERVER_COMMANDS,
  type DecoderLimits, type StompFrame, type StompHeaders, type StompVersion,
} from './frame';
import { unescapeHeader, usesEscaping } from './header-escape';

export type DecoderCommands = 'client' | 'server' | 'any';

export interface DecoderOptions {
  /** Which side's frames are acceptable; 'client' for a server reading clients, 'server' for a relay. */
  commands?: DecoderCommands;
}

const COMMAND_SETS: Record<DecoderCommands, ReadonlySet<string>> = {
  client: new Set(CLIENT_COMMANDS),
  server: new Set(SERVER_COMMANDS),
  any: new Set([...CLIENT_COMMANDS, ...SERVER_COMMANDS]),
};
const LONGEST_COMMAND = Math.max(...[...COMMAND_SETS.any].map((c) => c.length));
const LF = 0x0a;
const CR = 0x0d;
const NUL = 0x00;
const COLON = 0x3a;
const DIGITS = /^[0-9]+$/;

type State = 'command' | 'headers' | 'body-length' | 'terminator' | 'body-nul';
const IGNORE = (): void => undefined;
// Between frames a decoder holds nothing of its own (an idle session's decoder is idle 10,000 times
// over): these stand in until a frame needs a header map or a held piece. Neither is ever written to.
const NO_HEADERS: StompHeaders = new Map();
const NO_PIECES: Buffer[] = [];
/** Full limits by what was asked for: the sessions of one server share one object. */
const LIMITS = new WeakMap<Partial<DecoderLimits>, DecoderLimits>();
const NO_LIMITS: Partial<DecoderLimits> = {};

/** Wraps an error thrown by feed()'s callback so it is not mistaken for (and remembered as) a codec error. */
class CallerError {
  constructor(readonly cause: unknown) {}
}

export class StompDecoder {
  /** Selects header unescaping for frames begun after it is set; the session sets it after CONNECT. */
  version: StompVersion = '1.2';
  /** EOLs seen between frames. */
  heartbeats = 0;

  private readonly limits: DecoderLimits;
  private readonly commands: ReadonlySet<string>;
  private state: State = 'command';
  private failure: Error | undefined;
  /** Pieces of an unfinished line or NUL-terminated body, by reference. */
  private pieces: Buffer[] = NO_PIECES;
  private piecesLength = 0;
  /** Bytes of the current frame consumed so far (command and header lines with their EOLs). */
  private frameBytes = 0;
  private command = '';
  private headers: StompHeaders = NO_HEADERS;
  private headerCount = 0;
  private escaping = false;
  private body: Buffer | undefined;
  private bodyFilled = 0;
  private emit: (frame: StompFrame) => boolean | void = IGNORE;

  constructor(limits: Partial<DecoderLimits> = NO_LIMITS, options: DecoderOptions = {}) {
    let full = LIMITS.get(limits);
    if (!full) {
      full = { ...DEFAULT_LIMITS, ...limits };
      LIMITS.set(limits, full);
    }
    this.limits = full;
    this.commands = COMMAND_SETS[options.commands ?? 'client'];
  }

  /** Bytes held between pushes (unfinished line or body), for back-pressure checks and tests. */
  get bufferedBytes(): number {
    return this.piecesLength + (this.body?.length ?? 0);
  }

  /** Frames completed by this chunk, in order. Throws StompCodecError on a protocol violation. */
  push(chunk: Buffer | string): StompFrame[] {
    const out: StompFrame[] = [];
    this.feed(chunk, (frame) => void out.push(frame));
    return out;
  }

  /**
   * Hands each frame completed by this chunk to `onFrame` as soon as it ends. `onFrame` returns false to
   * stop decoding the rest of the chunk (the session has closed). Throws StompCodecError on a protocol
   * violation; an error thrown by `onFrame` passes through and leaves the decoder usable.
   */
  feed(chunk: Buffer | string, onFrame: (frame: StompFrame) => boolean | void): void {
    if (this.failure) throw this.failure;
    const data = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
    this.emit = onFrame;
    try {
      this.consume(data);
    } catch (error) {
      if (error instanceof CallerError) throw error.cause;
      this.failure = error instanceof Error ? error : new Error(String(error));
      this.pieces = NO_PIECES;
      this.piecesLength = 0;
      this.body = undefined;
      throw error;
    } finally {
      this.emit = IGNORE;
    }
  }

  /** Delivers a finished frame; false = the caller wants no more frames from this chunk. */
  private deliver(frame: StompFrame): boolean {
    try {
      return this.emit(frame) !== false;
    } catch (error) {
      throw new CallerError(error);
    }
  }

  private consume(data: Buffer): void {
    let pos = 0;
    const end = data.length;
    while (pos < end) {
      switch (this.state) {
        case 'command':
        case 'headers': {
          if (this.state === 'command' && this.pieces.length === 0) {
            // Heart-beats need no line object: a stream of EOLs is counted in place.
            pos = this.skipHeartbeats(data, pos);
            if (pos >= end) return;
          }
          const lf = data.indexOf(LF, pos);
          if (lf < 0) {
            this.holdLinePiece(data.subarray(pos));
            return;
          }
          const line = this.takeLine(data.subarray(pos, lf));
          pos = lf + 1;
          if (this.state === 'command') this.onCommandLine(line);
          else this.onHeaderLine(line);
          break;
        }
        case 'body-length': {
          const body = this.body as Buffer;
          const n = Math.min(body.length - this.bodyFilled, end - pos);
          data.copy(body, this.bodyFilled, pos, pos + n);
          this.bodyFilled += n;
          pos += n;
          if (this.bodyFilled === body.length) this.state = 'terminator';
          break;
        }
        case 'terminator': {
          if (data[pos] !== NUL) {
            throw new StompCodecError('missing-null-terminator', 'The frame body is longer than its content-length header says.');
          }
          pos += 1;
          if (!this.deliver(this.finish(this.body as Buffer))) return;
          break;
        }
        case 'body-nul': {
          const nul = data.indexOf(NUL, pos);
          const stop = nul < 0 ? end : nul;
          this.checkFrameSize(this.piecesLength + (stop - pos) + 1);
          if (nul < 0) {
            this.hold(data.subarray(pos));
            this.piecesLength += end - pos;
            return;
          }
          const last = data.subarray(pos, nul);
          const body = this.pieces.length === 0 ? Buffer.from(last) : Buffer.concat([...this.pieces, last]);
          this.pieces = NO_PIECES;
          this.piecesLength = 0;
          pos = nul + 1;
          if (!this.deliver(this.finish(body))) return;
          break;
        }
      }
    }
  }

  private skipHeartbeats(data: Buffer, from: number): number {
    let pos = from;
    for (;;) {
      if (data[pos] === LF) pos += 1;
      else if (data[pos] === CR && data[pos + 1] === LF) pos += 2;
      else return pos;
      this.heartbeats += 1;
    }
  }

  /** Keeps an unfinished line, refusing it first if it can no longer be valid. */
  private holdLinePiece(piece: Buffer): void {
    const length = this.piecesLength + piece.length;
    if (this.state === 'command') {
      // +1: a heart-beat or command line may still end in `\r`.
      if (length > LONGEST_COMMAND + 1) this.refuseCommand(Buffer.concat([...this.pieces, piece]));
    } else {
      if (length > this.limits.maxHeaderBytes + 1) this.refuseHeaderLength();
      this.checkFrameSize(length);
    }
    this.hold(piece);
    this.piecesLength = length;
  }

  private hold(piece: Buffer): void {
    if (this.pieces === NO_PIECES) this.pieces = [piece];
    else this.pieces.push(piece);
  }

  /** Joins a finished line's pieces, counts it toward the frame, and strips its `\r`. */
  private takeLine(last: Buffer): Buffer {
    let line = last;
    if (this.pieces.length > 0) {
      line = Buffer.concat([...this.pieces, last]);
      this.pieces = NO_PIECES;
      this.piecesLength = 0;
    }
    const rawLength = line.length;
    if (rawLength > 0 && line[rawLength - 1] === CR) line = line.subarray(0, rawLength - 1);
    if (this.state === 'headers') {
      // Same order as holdLinePiece, so that the error does not depend on how the bytes were chunked.
      if (line.length > this.limits.maxHeaderBytes) this.refuseHeaderLength();
      this.frameBytes += rawLength + 1;
      this.checkFrameSize(0);
    } else {
      this.frameBytes = rawLength + 1;
    }
    return line;
  }

  private onCommandLine(line: Buffer): void {
    if (line.length === 0) {
      this.heartbeats += 1;
      return;
    }
    const command = line.length <= LONGEST_COMMAND ? line.toString('latin1') : '';
    if (!this.commands.has(command)) this.refuseCommand(line);
    this.command = command;
    this.state = 'headers';
    this.headers = new Map();
    this.headerCount = 0;
    this.escaping = usesEscaping(command, this.version);
  }

  private onHeaderLine(line: Buffer): void {
    if (line.length === 0) {
      this.endOfHead();
      return;
    }
    this.headerCount += 1;
    if (this.headerCount > this.limits.maxHeaders) {
      throw new StompCodecError('too-many-headers', `The frame has more than ${this.limits.maxHeaders} headers.`);
    }
    const colon = line.indexOf(COLON);
    if (colon <= 0) {
      throw new StompCodecError('malformed-header', colon === 0 ? 'A header has an empty name.' : 'A header line has no colon.');
    }
    let name = line.toString('utf8', 0, colon);
    let value = line.toString('utf8', colon + 1);
    if (this.escaping) {
      const version = this.version as '1.1' | '1.2';
      name = unescapeHeader(name, version);
      value = unescapeHeader(value, version);
    }
    if (!this.headers.has(name)) this.headers.set(name, value);
  }

  private endOfHead(): void {
    const declared = this.headers.get('content-length');
    if (declared === undefined) {
      this.state = 'body-nul';
      return;
    }
    if (!DIGITS.test(declared)) {
      throw new StompCodecError('bad-content-length', 'The content-length header is not a non-negative integer.');
    }
    const length = Number(declared);
    this.checkFrameSize(length + 1);
    this.body = Buffer.allocUnsafe(length);
    this.bodyFilled = 0;
    this.state = length === 0 ? 'terminator' : 'body-length';
  }

  private finish(body: Buffer): StompFrame {
    const frame: StompFrame = { command: this.command, headers: this.headers, body };
    this.state = 'command';
    this.body = undefined;
    this.command = '';
    this.headers = NO_HEADERS;
    this.frameBytes = 0;
    return frame;
  }

  /** `more` = bytes the frame still needs beyond what frameBytes counts. */
  private checkFrameSize(more: number): void {
    if (this.frameBytes + more > this.limits.maxFrameBytes) {
      throw new StompCodecError('frame-too-large', `The frame is larger than ${this.limits.maxFrameBytes} bytes.`);
    }
  }

  private refuseHeaderLength(): never {
    throw new StompCodecError('header-too-long', `A header line is longer than ${this.limits.maxHeaderBytes} bytes.`);
  }

  private refuseCommand(line: Buffer): never {
    if (line[0] === NUL || /^[ \t\r]*$/.test(line.toString('latin1'))) {
      throw new StompCodecError('empty-command', 'The frame has no command.');
    }
    const shown = JSON.stringify(line.subarray(0, 16).toString('utf8'));
    const what = line.length > 16 ? `starting ${shown}` : shown;
    throw new StompCodecError('unknown-command', `Unknown or unexpected command ${what}.`);
  }
}
