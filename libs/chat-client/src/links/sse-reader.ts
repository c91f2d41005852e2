export interface SseEvent {
  event: string;
  data: string;
  id: string | undefined;
}

/** A line longer than this is no event of the chat server's (a message is at most 4000 characters). */
const MAX_LINE = 1 << 20;

/**
 * The event-stream format (the WHATWG EventSource parsing rules) over decoded text chunks: what
 * EventSource does, for platforms without it (Node 20) and so that headers can be set.
 */
export class SseParser {
  private buffer = '';
  private event = '';
  private data: string[] = [];
  private id: string | undefined;
  private sawCr = false;

  /** Feeds one chunk; returns the events it completed. Throws on a line past MAX_LINE. */
  push(chunk: string): SseEvent[] {
    const out: SseEvent[] = [];
    let text = chunk;
    // A CRLF split across chunks: the LF ends nothing new.
    if (this.sawCr && text.startsWith('\n')) text = text.slice(1);
    this.sawCr = text.endsWith('\r');
    this.buffer += text;
    const lines = this.buffer.split(/\r\n|\r|\n/);
    this.buffer = lines.pop() ?? '';
    if (this.buffer.length > MAX_LINE) throw new Error('event stream line too long');
    for (const line of lines) this.line(line, out);
    return out;
  }

  private line(line: string, out: SseEvent[]): void {
    if (line === '') {
      if (this.data.length > 0) out.push({ event: this.event || 'message', data: this.data.join('\n'), id: this.id });
      this.event = '';
      this.data = [];
      return;
    }
    if (line.startsWith(':')) return;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'event') this.event = value;
    else if (field === 'data') this.data.push(value);
    else if (field === 'id' && !value.includes('\0')) this.id = value;
  }
}
