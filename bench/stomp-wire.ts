/**
 * The load generator's own STOMP 1.2 wire code: just enough to CONNECT, SUBSCRIBE, SEND and read
 * MESSAGE / RECEIPT / CONNECTED / ERROR frames, and cheap enough to drive thousands of connections from
 * one process. It deliberately shares nothing with libs/stomp/src/codec, so a codec bug cannot hide itself by
 * being on both ends of the measurement.
 *
 * Reading is lazy: the hot path (MESSAGE) only looks at the command and the body; headers are parsed
 * when someone asks for one. Frames may arrive merged or split across WebSocket messages; EOLs between
 * frames are heart-beats and are counted.
 */

const NUL = 0x00;
const LF = 0x0a;
const CR = 0x0d;

export function escapeHeader(value: string): string {
  return /[\\\r\n:]/.test(value)
    ? value.replace(/[\\\r\n:]/g, (c) => (c === '\\' ? '\\\\' : c === '\r' ? '\\r' : c === '\n' ? '\\n' : '\\c'))
    : value;
}

function unescapeHeader(value: string): string {
  if (!value.includes('\\')) return value;
  return value.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c === 'r' ? '\r' : c === 'c' ? ':' : c));
}

/** Encodes a client frame; `content-length` is added whenever there is a body. */
export function encodeFrame(command: string, headers: Record<string, string>, body?: Buffer | string): Buffer {
  const bodyBuf = body === undefined ? undefined : typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  let head = command + '\n';
  for (const [name, value] of Object.entries(headers)) head += `${escapeHeader(name)}:${escapeHeader(value)}\n`;
  if (bodyBuf) head += `content-length:${bodyBuf.length}\n`;
  head += '\n';
  const headBuf = Buffer.from(head, 'utf8');
  return Buffer.concat([headBuf, bodyBuf ?? Buffer.alloc(0), Buffer.from([NUL])]);
}

/** `sendEveryMs`: what the client offers to send (cx); it asks for `heartbeatMs` from the server (cy). */
export function connectFrame(host: string, heartbeatMs: number, login?: string, sendEveryMs = heartbeatMs): Buffer {
  const headers: Record<string, string> = {
    'accept-version': '1.2',
    host,
    'heart-beat': `${sendEveryMs},${heartbeatMs}`,
  };
  if (login) headers.login = login;
  return encodeFrame('CONNECT', headers);
}

export function subscribeFrame(id: string, destination: string, receipt?: string): Buffer {
  const headers: Record<string, string> = { id, destination, ack: 'auto' };
  if (receipt) headers.receipt = receipt;
  return encodeFrame('SUBSCRIBE', headers);
}

export function sendFrame(destination: string, body: Buffer | string, contentType = 'text/plain'): Buffer {
  return encodeFrame('SEND', { destination, 'content-type': contentType }, body);
}

/** One decoded server frame; headers are parsed on first use. */
export class InboundFrame {
  private parsed?: Map<string, string>;

  constructor(
    readonly command: string,
    private readonly headerBlock: Buffer,
    readonly body: Buffer,
  ) {}

  header(name: string): string | undefined {
    if (!this.parsed) {
      this.parsed = new Map();
      // CONNECTED is never escaped (STOMP 1.2 §"Value Encoding").
      const raw = this.command === 'CONNECTED';
      for (let line of this.headerBlock.toString('utf8').split('\n')) {
        if (line.endsWith('\r')) line = line.slice(0, -1);
        const colon = line.indexOf(':');
        if (colon <= 0) continue;
        const key = raw ? line.slice(0, colon) : unescapeHeader(line.slice(0, colon));
        // A repeated header keeps its first value.
        if (!this.parsed.has(key)) this.parsed.set(key, raw ? line.slice(colon + 1) : unescapeHeader(line.slice(colon + 1)));
      }
    }
    return this.parsed.get(name);
  }
}

export class FrameFormatError extends Error {
  override readonly name = 'FrameFormatError';
}

/**
 * Incremental reader for one connection. `push` returns the complete frames in `chunk` (and in what was
 * left over before); an incomplete tail waits for the next chunk.
 */
export class FrameReader {
  private pending: Buffer | undefined;
  /** EOLs received between frames: the server's heart-beats. */
  heartbeats = 0;

  push(chunk: Buffer): InboundFrame[] {
    const buf = this.pending ? Buffer.concat([this.pending, chunk]) : chunk;
    this.pending = undefined;
    const frames: InboundFrame[] = [];
    let pos = 0;
    while (pos < buf.length) {
      if (buf[pos] === LF) { this.heartbeats++; pos++; continue; }
      if (buf[pos] === CR && buf[pos + 1] === LF) { this.heartbeats++; pos += 2; continue; }
      if (buf[pos] === CR && pos + 1 === buf.length) break; // half an EOL: wait
      const end = this.readFrame(buf, pos, frames);
      if (end < 0) break;
      pos = end;
    }
    if (pos < buf.length) this.pending = Buffer.from(buf.subarray(pos));
    return frames;
  }

  /** Reads one frame at `start`; returns the offset after its NUL, or -1 if the frame is incomplete. */
  private readFrame(buf: Buffer, start: number, out: InboundFrame[]): number {
    const commandEnd = buf.indexOf(LF, start);
    if (commandEnd < 0) return -1;
    const command = buf.toString('latin1', start, buf[commandEnd - 1] === CR ? commandEnd - 1 : commandEnd);
    if (!/^[A-Z]+$/.test(command)) throw new FrameFormatError(`bad command line ${JSON.stringify(command.slice(0, 40))}`);
    // The header block ends at the first empty line (LF LF, or LF CR LF).
    let lineStart = commandEnd + 1;
    let contentLength = -1;
    for (;;) {
      const lineEnd = buf.indexOf(LF, lineStart);
      if (lineEnd < 0) return -1;
      const bare = buf[lineEnd - 1] === CR ? lineEnd - 1 : lineEnd;
      if (bare === lineStart) break;
      if (buf[lineStart] === 0x63 /* c */ && contentLength < 0 && buf.toString('latin1', lineStart, lineStart + 15) === 'content-length:') {
        contentLength = Number(buf.toString('latin1', lineStart + 15, bare));
        if (!Number.isInteger(contentLength) || contentLength < 0) throw new FrameFormatError('bad content-length');
      }
      lineStart = lineEnd + 1;
    }
    const headerBlock = buf.subarray(commandEnd + 1, lineStart);
    const bodyStart = buf.indexOf(LF, lineStart) + 1;
    let bodyEnd: number;
    if (contentLength >= 0) {
      bodyEnd = bodyStart + contentLength;
      if (bodyEnd >= buf.length) return -1;
      if (buf[bodyEnd] !== NUL) throw new FrameFormatError('frame body not followed by NUL');
    } else {
      bodyEnd = buf.indexOf(NUL, bodyStart);
      if (bodyEnd < 0) return -1;
    }
    out.push(new InboundFrame(command, headerBlock, buf.subarray(bodyStart, bodyEnd)));
    return bodyEnd + 1;
  }
}
