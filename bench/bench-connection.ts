/**
 * One load-generator STOMP 1.2 session over a raw `ws` socket: CONNECT, wait for CONNECTED, optionally
 * SUBSCRIBE with a receipt and wait for it (so no message published afterwards can be missed), then
 * hand every MESSAGE to the worker's `onMessage`.
 */
import WebSocket from 'ws';
import type { ConnectionEvents, LoadConnection } from './load-connection';
import { connectFrame, encodeFrame, FrameReader, FrameFormatError, subscribeFrame, type InboundFrame } from './stomp-wire';

const LF = Buffer.from('\n');

export class BenchConnection implements LoadConnection {
  private receipts = 0;
  private ws?: WebSocket;
  private readonly reader = new FrameReader();
  private waiting?: { command: string; receipt?: string; resolve: () => void; reject: (e: Error) => void };
  private ready = false;
  private closing = false;
  /** Set once the session is lost after setup. */
  lost = false;

  constructor(
    private readonly url: string,
    private readonly protocol: string,
    private readonly events: ConnectionEvents,
  ) {}

  get heartbeatsIn(): number {
    return this.reader.heartbeats;
  }

  get isOpen(): boolean {
    return this.ready && !this.lost && this.ws?.readyState === WebSocket.OPEN;
  }

  get bufferedAmount(): number {
    return this.ws?.bufferedAmount ?? 0;
  }

  /** Resolves once the session is CONNECTED (and subscribed, if `destination` is given). */
  async open(heartbeatMs: number, destination: string | null, timeoutMs: number): Promise<void> {
    const host = new URL(this.url).hostname;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`setup timed out after ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      await Promise.race([this.setUp(host, heartbeatMs, destination), timeout]);
      this.ready = true;
    } catch (err) {
      this.ws?.terminate();
      throw err;
    } finally {
      clearTimeout(timer);
    }
  }

  private async setUp(host: string, heartbeatMs: number, destination: string | null): Promise<void> {
    // The generator shares the machine with the server: skip UTF-8 checks of 100k messages/s it never reads as text.
    const ws = new WebSocket(this.url, this.protocol, {
      perMessageDeflate: false, handshakeTimeout: 30_000, skipUTF8Validation: true,
    });
    this.ws = ws;
    ws.on('message', (data: Buffer) => this.receive(data));
    ws.on('error', (err) => this.fail(`socket error: ${err.message}`));
    ws.on('close', (code, reason) => this.fail(`closed by server: ${code} ${reason.toString() || ''}`.trim()));
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('unexpected-response', (_req, res) => reject(new Error(`handshake refused: HTTP ${res.statusCode}`)));
      ws.once('error', reject);
    });
    if (ws.protocol !== this.protocol) throw new Error(`server chose sub-protocol "${ws.protocol}"`);
    const connected = this.expect('CONNECTED');
    ws.send(connectFrame(host, heartbeatMs));
    await connected;
    if (destination) {
      const receipt = this.expect('RECEIPT', 'sub');
      ws.send(subscribeFrame('sub-0', destination, 'sub'));
      await receipt;
    }
  }

  /** A SEND; `receipted` asks for a RECEIPT, as a chat client does for a message it must know was stored. */
  publish(destination: string, body: Buffer, contentType: string, receipted: boolean): void {
    const headers: Record<string, string> = { destination, 'content-type': contentType };
    if (receipted) headers.receipt = `r-${++this.receipts}`;
    this.ws?.send(encodeFrame('SEND', headers, body));
  }

  heartbeat(): void {
    if (this.isOpen) this.ws!.send(LF);
  }

  /** Closes politely; resolves when the socket is gone (or after `graceMs`, by force). */
  close(graceMs: number): Promise<void> {
    this.closing = true;
    const ws = this.ws;
    if (!ws || ws.readyState === WebSocket.CLOSED) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => { ws.terminate(); resolve(); }, graceMs);
      ws.once('close', () => { clearTimeout(timer); resolve(); });
      ws.close(1000, 'bench done');
    });
  }

  private expect(command: string, receipt?: string): Promise<void> {
    return new Promise((resolve, reject) => { this.waiting = { command, receipt, resolve, reject }; });
  }

  private receive(data: Buffer): void {
    let frames: InboundFrame[];
    try {
      frames = this.reader.push(data);
    } catch (err) {
      const why = err instanceof FrameFormatError ? err.message : String(err);
      this.fail(`unreadable frame from server: ${why}`);
      this.ws?.terminate();
      return;
    }
    for (const frame of frames) {
      if (frame.command === 'MESSAGE') {
        if (this.ready) this.events.onMessage(frame.body, frame);
      } else if (frame.command === 'ERROR') {
        const why = `ERROR frame: ${frame.header('message') ?? frame.body.toString('utf8').slice(0, 80)}`;
        if (this.waiting) this.settle(new Error(why));
        else this.events.onProblem(why, false);
      } else if (this.waiting && this.waiting.command === frame.command &&
        (frame.command !== 'RECEIPT' || frame.header('receipt-id') === this.waiting.receipt)) {
        if (frame.command === 'CONNECTED' && frame.header('version') !== '1.2') {
          this.settle(new Error(`server answered version "${frame.header('version')}" to accept-version:1.2`));
        } else {
          this.settle();
        }
      }
    }
  }

  private settle(err?: Error): void {
    const waiting = this.waiting;
    this.waiting = undefined;
    if (err) waiting?.reject(err);
    else waiting?.resolve();
  }

  private fail(reason: string): void {
    if (this.closing) return;
    if (this.waiting) return this.settle(new Error(reason));
    if (this.ready && !this.lost) {
      this.lost = true;
      this.events.onProblem(reason, true);
    }
  }
}
