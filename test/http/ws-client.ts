import { once } from 'node:events';
import WebSocket from 'ws';

/** A plain WebSocket client that keeps every text frame it receives, parsed. */
export class WsClient {
  readonly frames: any[] = [];
  closeCode?: number;

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data: WebSocket.RawData) => {
      this.frames.push(JSON.parse(data.toString()));
      ws.emit('frame');
    });
    ws.on('close', (code: number) => {
      this.closeCode = code;
    });
  }

  static async open(url: string, headers: Record<string, string> = {}): Promise<WsClient> {
    const ws = new WebSocket(url, { headers });
    const client = new WsClient(ws);
    await once(ws, 'open');
    return client;
  }

  /** The HTTP status a refused handshake got. */
  static refusal(url: string, headers: Record<string, string> = {}): Promise<number> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, { headers });
      ws.on('unexpected-response', (_req, res) => {
        resolve(res.statusCode ?? 0);
        res.resume();
        ws.terminate();
      });
      ws.on('open', () => reject(new Error('the handshake was accepted')));
      ws.on('error', () => undefined);
    });
  }

  send(value: unknown): void {
    this.ws.send(typeof value === 'string' ? value : JSON.stringify(value));
  }

  async waitForFrames(n: number): Promise<any[]> {
    while (this.frames.length < n) {
      if (this.ws.readyState >= WebSocket.CLOSING) throw new Error(`socket closed after ${this.frames.length} of ${n} frames`);
      await Promise.race([once(this.ws, 'frame'), once(this.ws, 'close')]);
    }
    return this.frames.slice(0, n);
  }

  async waitForClose(): Promise<number> {
    if (this.closeCode === undefined) await once(this.ws, 'close');
    return this.closeCode!;
  }

  close(): void {
    this.ws.close();
  }
}
