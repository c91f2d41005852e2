/*
 * Frame encoder. Decisions worth knowing:
 * - Escaping follows the version (header-escape.ts); CONNECT, STOMP and CONNECTED are never escaped.
 * - Where a header cannot be escaped (1.0, CONNECT/CONNECTED), a newline in a name or value, or a colon
 *   or empty name, would change the frame's structure (header injection), so it is refused with
 *   'unencodable-header' rather than altered.
 * - STOMP 1.1 has no escape for CR, so a CR is written raw. Decoders strip one CR before each LF, so the
 *   one value 1.1 cannot carry faithfully is one that ends in CR (it arrives without it). We keep rather
 *   than refuse because a 1.2 publisher's header must still reach a 1.1 subscriber.
 * - `content-length` always states the real body length: it is added (last) when the body is non-empty,
 *   and an existing one is rewritten in place, since a wrong one would desynchronise the peer's stream.
 */
import { StompCodecError } from './codec-error';
import type { StompFrame, StompVersion } from './frame';
import { escapeHeader, usesEscaping } from './header-escape';

export function encodeFrame(frame: StompFrame, version: StompVersion): Buffer {
  const head = encodeHead(frame.command, frame.headers, frame.body.length, version);
  return withBody(head, frame.body);
}

/** Command line, header lines and the blank line, as one string. */
export function encodeHead(
  command: string,
  headers: Iterable<[string, string]>,
  bodyLength: number,
  version: StompVersion,
): string {
  checkCommand(command);
  const escape = usesEscaping(command, version) ? (version as '1.1' | '1.2') : undefined;
  let head = command + '\n';
  let lengthWritten = false;
  for (const [name, rawValue] of headers) {
    let value = rawValue;
    if (name === 'content-length') {
      if (lengthWritten) continue;
      value = String(bodyLength);
      lengthWritten = true;
    }
    head += encodeHeaderLine(name, value, escape);
  }
  if (!lengthWritten && bodyLength > 0) head += `content-length:${bodyLength}\n`;
  return head + '\n';
}

/** One `name:value\n` line, escaped for `escape`, or checked to be safe unescaped. */
export function encodeHeaderLine(name: string, value: string, escape: '1.1' | '1.2' | undefined): string {
  if (name.length === 0) throw new StompCodecError('unencodable-header', 'A header name is empty.');
  if (escape) return `${escapeHeader(name, escape)}:${escapeHeader(value, escape)}\n`;
  if (name.includes('\n') || name.includes(':') || value.includes('\n')) {
    throw new StompCodecError('unencodable-header', `Header "${name.slice(0, 32)}" cannot be sent unescaped.`);
  }
  return `${name}:${value}\n`;
}

export function withBody(head: string, body: Buffer): Buffer {
  const headBytes = Buffer.byteLength(head, 'utf8');
  const out = Buffer.allocUnsafe(headBytes + body.length + 1);
  out.write(head, 0, 'utf8');
  body.copy(out, headBytes);
  out[out.length - 1] = 0;
  return out;
}

function checkCommand(command: string): void {
  if (!/^[A-Z]+$/.test(command)) {
    throw new StompCodecError('unencodable-header', `"${command.slice(0, 16)}" is not a STOMP command.`);
  }
}
