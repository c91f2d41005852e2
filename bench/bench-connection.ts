/**
 * One load-generator STOMP 1.2 session over a raw `ws` socket: CONNECT (with a `login` when the bench
 * names its users), wait for CONNECTED, SUBSCRIBE to each destination with a receipt and wait for it (so
 * no message published afterwards can be missed), then hand every MESSAGE to the worker's `onMessage`.
 * Later subscriptions (a user joining a room) and one-reply requests (`/app/...` snapshots) work the same way.
 */
import WebSocket from 'ws';
import { subscriptionList, type ConnectionEvents, type LoadConnection, type Subscriptions } from './load-connection';
import { closeWebSocket, type StompChannel } from './stomp-channels';
import { connectFrame, encodeFrame, FrameReader, FrameFormatError, subscribeFrame, type InboundFrame } from './stomp-wire';

const LF = Buffer.from('\n');

interface Waiter {
  resolve(frame: InboundFrame): void;
  reject(error: Error): void;
}

/** STOMP over a plain WebSocket with one sub-protocol: the bench's usual channel. */
export class WsStompChannel implements StompChannel {
  readonly clientHeartbeats = true;
  private ws?: WebSocket;

  constructor(private readonly url: string, private readonly protocol: string) {}

  get isOpen(): boolean {
    return this.ws?.readyState === WebSocket.OPEN;
  }

  get bufferedAmount(): number {
    return this.ws?.bufferedAmount ?? 0;
  }

  async open(onData: (data: Buffer) => void, onClose: (reason: string) => void): Promise<void> {
    // The generator shares the machine with the server: skip UTF-8 checks of 100k messages/s it never reads as text.
    const ws = new WebSocket(this.url, this.protocol, {
      perMessageDeflate: false, handshakeTimeout: 30_000, skipUTF8Validation: true,
    });
    this.ws = ws;
    ws.on('message', (data: Buffer) => onData(data));
    ws.on('error', (err) => onClose(`socket error: ${err.message}`));
    ws.on('close', (code, reason) => onClose(`closed by server: ${code} ${reason.toString() || ''}`.trim()));
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('unexpected-response', (_req, res) => reject(new Error(`handshake refused: HTTP ${res.statusCode}`)));
      ws.once('error', reject);
    });
    if (ws.protocol !== this.protocol) throw new Error(`server chose sub-protocol "${ws.protocol}"`);
  }

  send(data: Buffer): void {
    this.ws?.send(data);
  }

  close(graceMs: number): Promise<void> {
    return closeWebSocket(this.ws, graceMs);
  }

  terminate(): void {
    this.ws?.terminate();
  }
}

export class BenchConnection implements LoadConnection {
  private receipts = 0;
  private subscriptionIds = 0;
  private readonly channel: StompChannel;
  private readonly reader = new FrameReader();
  /** CONNECTED (`connected`) and RECEIPTs (`receipt:<id>`) being waited for. */
  private readonly pending = new Map<string, Waiter>();
  /** One-reply subscriptions being waited for, by subscription id; MESSAGE headers are only read while any is. */
  private readonly replies = new Map<string, Waiter>();
  private ready = false;
  private closing = false;
  /** Set once the session is lost after setup. */
  lost = false;

  constructor(
    private readonly url: string,
    protocol: string,
    private readonly events: ConnectionEvents,
    /** The CONNECT `login`: the user's name on a server without tokens. */
    private readonly login?: string,
    /** What carries the frames; a WebSocket offering `protocol` unless given (SockJS, say). */
    channel?: StompChannel,
  ) {
    this.channel = channel ?? new WsStompChannel(url, protocol);
  }

  get heartbeatsIn(): number {
    return this.reader.heartbeats;
  }

  get isOpen(): boolean {
    return this.ready && !this.lost && this.channel.isOpen;
  }

  get bufferedAmount(): number {
    return this.channel.bufferedAmount;
  }

  /** Resolves once the session is CONNECTED and subscribed to every destination given. */
  async open(heartbeatMs: number, subscriptions: Subscriptions, timeoutMs: number): Promise<void> {
    const host = new URL(this.url).hostname;
    try {
      await within(this.setUp(host, heartbeatMs, subscriptionList(subscriptions)), timeoutMs, 'setup');
      this.ready = true;
    } catch (err) {
      this.channel.terminate();
      throw err;
    }
  }

  private async setUp(host: string, heartbeatMs: number, destinations: readonly string[]): Promise<void> {
    await this.channel.open((data) => this.receive(data), (reason) => this.fail(reason));
    const connected = this.await(this.pending, 'connected');
    // A channel whose every client frame is an HTTP request offers no client heart-beats (0,cy).
    this.channel.send(connectFrame(host, heartbeatMs, this.login, this.channel.clientHeartbeats ? heartbeatMs : 0));
    const frame = await connected;
    if (frame.header('version') !== '1.2') {
      throw new Error(`server answered version "${frame.header('version')}" to accept-version:1.2`);
    }
    await this.subscribeAll(destinations);
  }

  /** SUBSCRIBEs to each destination, in order, and resolves when every RECEIPT is in. */
  async subscribe(destinations: readonly string[], timeoutMs: number): Promise<void> {
    if (!this.isOpen) throw new Error('the session is not open');
    await within(this.subscribeAll(destinations), timeoutMs, 'SUBSCRIBE');
  }

  private async subscribeAll(destinations: readonly string[]): Promise<void> {
    const receipts = destinations.map((destination) => {
      const id = `sub-${this.subscriptionIds++}`;
      const receipt = this.await(this.pending, `receipt:${id}`);
      this.channel.send(subscribeFrame(id, destination, id));
      return receipt;
    });
    await Promise.all(receipts);
  }

  /**
   * SUBSCRIBEs to an application destination that answers once (a snapshot), returns that MESSAGE's body
   * and UNSUBSCRIBEs. The reply never reaches `onMessage`.
   */
  async request(destination: string, timeoutMs: number): Promise<Buffer> {
    if (!this.isOpen) throw new Error('the session is not open');
    const id = `req-${this.subscriptionIds++}`;
    const reply = this.await(this.replies, id);
    this.channel.send(subscribeFrame(id, destination));
    try {
      return (await within(reply, timeoutMs, `the reply of ${destination}`)).body;
    } finally {
      this.replies.delete(id);
      if (this.isOpen) this.channel.send(encodeFrame('UNSUBSCRIBE', { id }));
    }
  }

  /** A SEND; `receipted` asks for a RECEIPT, as a chat client does for a message it must know was stored. */
  publish(destination: string, body: Buffer, contentType: string, receipted: boolean): void {
    const headers: Record<string, string> = { destination, 'content-type': contentType };
    if (receipted) headers.receipt = `r-${++this.receipts}`;
    this.channel.send(encodeFrame('SEND', headers, body));
  }

  heartbeat(): void {
    if (this.isOpen && this.channel.clientHeartbeats) this.channel.send(LF);
  }

  /** Closes politely; resolves when the socket is gone (or after `graceMs`, by force). */
  close(graceMs: number): Promise<void> {
    this.closing = true;
    return this.channel.close(graceMs);
  }

  private await(waiters: Map<string, Waiter>, key: string): Promise<InboundFrame> {
    return new Promise((resolve, reject) => {
      waiters.set(key, {
        resolve: (frame) => { waiters.delete(key); resolve(frame); },
        reject: (error) => { waiters.delete(key); reject(error); },
      });
    });
  }

  private receive(data: Buffer): void {
    let frames: InboundFrame[];
    try {
      frames = this.reader.push(data);
    } catch (err) {
      const why = err instanceof FrameFormatError ? err.message : String(err);
      this.fail(`unreadable frame from server: ${why}`);
      this.channel.terminate();
      return;
    }
    for (const frame of frames) {
      if (frame.command === 'MESSAGE') {
        const reply = this.replies.size > 0 ? this.replies.get(frame.header('subscription') ?? '') : undefined;
        if (reply) reply.resolve(frame);
        else if (this.ready) this.events.onMessage(frame.body, frame);
      } else if (frame.command === 'ERROR') {
        const why = `ERROR frame: ${frame.header('message') ?? frame.body.toString('utf8').slice(0, 80)}`;
        if (!this.rejectWaiters(why)) this.events.onProblem(why, false);
      } else if (frame.command === 'CONNECTED') {
        this.pending.get('connected')?.resolve(frame);
      } else if (frame.command === 'RECEIPT') {
        this.pending.get(`receipt:${frame.header('receipt-id')}`)?.resolve(frame);
      }
    }
  }

  /** Fails whatever is being waited for; false when nothing was. */
  private rejectWaiters(reason: string): boolean {
    const waiters = [...this.pending.values(), ...this.replies.values()];
    for (const w of waiters) w.reject(new Error(reason));
    return waiters.length > 0;
  }

  /** The socket failed or closed: whatever was awaited fails, and a session that was up counts as lost. */
  private fail(reason: string): void {
    if (this.closing) return;
    this.rejectWaiters(reason);
    if (this.ready && !this.lost) {
      this.lost = true;
      this.events.onProblem(reason, true);
    }
  }
}

async function within<T>(work: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out after ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
