import { EventEmitter, once } from 'node:events';
import { request, type ClientRequest, type IncomingMessage } from 'node:http';

export interface SseEvent {
  id?: string;
  event?: string;
  data: string;
}

/**
 * A minimal EventSource over node:http that records everything: the status, the headers, `retry:`,
 * comment lines and events, in the order they came.
 */
export class SseClient extends EventEmitter {
  readonly events: SseEvent[] = [];
  readonly comments: string[] = [];
  /** Field lines as they came, for "retry comes first". */
  readonly lines: string[] = [];
  retry?: number;
  status = 0;
  response?: IncomingMessage;
  ended = false;
  private req?: ClientRequest;
  private buffer = '';

  static async open(url: string, headers: Record<string, string> = {}): Promise<SseClient> {
    const client = new SseClient();
    await client.connect(url, headers);
    return client;
  }

  /** The messages, parsed. */
  get messages(): Array<{ id: number; room: string; from: string; text: string }> {
    return this.events.filter((e) => e.event === 'message').map((e) => JSON.parse(e.data));
  }

  /** Resolves once `n` events have come. */
  async waitForEvents(n: number): Promise<SseEvent[]> {
    while (this.events.length < n) {
      if (this.ended) throw new Error(`stream ended after ${this.events.length} of ${n} events`);
      await once(this, 'change');
    }
    return this.events.slice(0, n);
  }

  async waitFor(test: () => boolean): Promise<void> {
    while (!test()) {
      if (this.ended) throw new Error('stream ended');
      await once(this, 'change');
    }
  }

  async waitForEnd(): Promise<void> {
    while (!this.ended) await once(this, 'change');
  }

  close(): void {
    this.req?.destroy();
  }

  private connect(url: string, headers: Record<string, string>): Promise<void> {
    return new Promise((resolve, reject) => {
      this.req = request(url, { headers: { accept: 'text/event-stream', ...headers }, agent: false }, (res) => {
        this.status = res.statusCode ?? 0;
        this.response = res;
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => this.feed(chunk));
        const end = (): void => {
          this.ended = true;
          this.emit('change');
        };
        res.on('end', end);
        res.on('close', end);
        res.on('error', end);
        resolve();
      });
      this.req.on('error', (err) => {
        if (this.response) return;
        reject(err);
      });
      this.req.end();
    });
  }

  private feed(chunk: string): void {
    this.buffer += chunk;
    let cut: number;
    while ((cut = this.buffer.indexOf('\n\n')) !== -1) {
      const block = this.buffer.slice(0, cut);
      this.buffer = this.buffer.slice(cut + 2);
      const event: SseEvent = { data: '' };
      const data: string[] = [];
      let isEvent = false;
      for (const line of block.split('\n')) {
        this.lines.push(line);
        if (line.startsWith(':')) {
          this.comments.push(line);
          continue;
        }
        const colon = line.indexOf(':');
        const field = colon === -1 ? line : line.slice(0, colon);
        const value = colon === -1 ? '' : line.slice(colon + 1).replace(/^ /, '');
        if (field === 'retry') this.retry = Number(value);
        else if (field === 'id') event.id = value;
        else if (field === 'event') event.event = value;
        else if (field === 'data') data.push(value);
        if (field === 'id' || field === 'event' || field === 'data') isEvent = true;
      }
      if (isEvent) {
        event.data = data.join('\n');
        this.events.push(event);
      }
    }
    this.emit('change');
  }
}
