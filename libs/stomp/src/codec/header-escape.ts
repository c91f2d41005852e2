import { StompCodecError } from './codec-error';
import type { StompVersion } from './frame';

/**
 * Header escaping per STOMP version. 1.0 has none; 1.1 defines \n \c \\; 1.2 adds \r.
 * CONNECT, STOMP and CONNECTED frames are never escaped (1.2 §Value Encoding), so that a peer
 * can read them before the version is known.
 */
const UNESCAPED_COMMANDS = new Set(['CONNECT', 'STOMP', 'CONNECTED']);

export function usesEscaping(command: string, version: StompVersion): boolean {
  return version !== '1.0' && !UNESCAPED_COMMANDS.has(command);
}

const ESCAPES_12: Record<string, string> = { '\\': '\\\\', '\n': '\\n', '\r': '\\r', ':': '\\c' };
const NEEDS_ESCAPE_12 = /[\\\n\r:]/g;
// 1.1 has no escape for CR: it is written raw (see encodeFrame's comment for the one ambiguous case).
const NEEDS_ESCAPE_11 = /[\\\n:]/g;

/** Escapes in one regex pass; the common header needs none and is returned as is. */
export function escapeHeader(text: string, version: '1.1' | '1.2'): string {
  const pattern = version === '1.2' ? NEEDS_ESCAPE_12 : NEEDS_ESCAPE_11;
  pattern.lastIndex = 0;
  if (!pattern.test(text)) return text;
  pattern.lastIndex = 0;
  return text.replace(pattern, (c) => ESCAPES_12[c]);
}

/**
 * One left-to-right pass: each backslash consumes exactly the next character, so `\\n` (backslash,
 * backslash, n) is a literal backslash followed by `n`, never a newline as chained replaces would make it.
 */
export function unescapeHeader(text: string, version: '1.1' | '1.2'): string {
  let at = text.indexOf('\\');
  if (at < 0) return text;
  const parts: string[] = [];
  let from = 0;
  while (at >= 0) {
    parts.push(text.slice(from, at));
    const next = text.charCodeAt(at + 1);
    if (next === 0x6e /* n */) parts.push('\n');
    else if (next === 0x63 /* c */) parts.push(':');
    else if (next === 0x5c /* \ */) parts.push('\\');
    else if (next === 0x72 /* r */ && version === '1.2') parts.push('\r');
    else {
      const shown = Number.isNaN(next) ? 'at the end of' : `${JSON.stringify(`\\${String.fromCharCode(next)}`)} in`;
      throw new StompCodecError('bad-escape', `Undefined escape sequence ${shown} a STOMP ${version} header.`);
    }
    from = at + 2;
    at = text.indexOf('\\', from);
  }
  parts.push(text.slice(from));
  return parts.join('');
}
