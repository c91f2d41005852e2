import type { ServerResponse } from 'node:http';

const FRAME_START = '<script>\np(';
const FRAME_END = ');\n</script>';

/**
 * sockjs-node writes each htmlfile frame as `<script>\np(<JSON string>);\n</script>`, and JSON.stringify
 * leaves `</script>` inside a chat message intact: that would close the script block and run whatever
 * follows in every htmlfile reader's page (stored XSS). Inside the JSON string literal, `\u003c` is the
 * same character, so escaping every `<` there changes no message and makes the block unbreakable.
 */
export function guardHtmlfileFrames(res: ServerResponse): void {
  const write = res.write.bind(res) as (chunk: unknown, ...rest: unknown[]) => boolean;
  (res as { write: unknown }).write = (chunk: unknown, ...rest: unknown[]): boolean =>
    write(typeof chunk === 'string' ? escapeFrame(chunk) : chunk, ...rest);
}

export function escapeFrame(chunk: string): string {
  if (!chunk.startsWith(FRAME_START)) return chunk;
  const end = chunk.lastIndexOf(FRAME_END);
  if (end < FRAME_START.length) return chunk;
  return FRAME_START + chunk.slice(FRAME_START.length, end).replace(/</g, '\\u003c') + chunk.slice(end);
}
