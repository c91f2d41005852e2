import { connect, type Client } from 'stompit';

type Frame = NodeJS.ReadableStream & { headers: Record<string, string> };
type Handlers = Record<string, (this: Client, frame: Frame, reply: unknown) => void>;

/**
 * stompit 1.0's ERROR handler reads a short text/plain body and then calls `this.destroy(error)` with
 * `this` bound to the frame stream, not the client: the frame emits an 'error' nobody listens to and
 * the whole process dies. Every ERROR our server sends is such a frame, so each client gets a handler
 * that reads the body and ends the client with the error, as stompit means to.
 */
function mendErrorHandler(client: Client): void {
  const internals = client as unknown as { setCommandHandlers(handlers: Handlers): void };
  const set = internals.setCommandHandlers.bind(client);
  internals.setCommandHandlers = (handlers) => set({ ...handlers, ERROR: onError });
  function onError(frame: Frame): void {
    const chunks: Buffer[] = [];
    frame.on('data', (chunk: Buffer) => chunks.push(chunk));
    frame.on('end', () => {
      const error = Object.assign(new Error(frame.headers.message ?? 'server sent ERROR frame'), { longMessage: Buffer.concat(chunks).toString() });
      (client as unknown as { destroy(error: Error): void }).destroy(error);
    });
  }
}

/** Clients still open, ended before their server is (so a failed test leaves none behind). */
const open = new Set<Client>();

export interface StompitTarget {
  port: number;
  /** The server's certificate, trusted as its own CA: the door is TLS. */
  ca?: Buffer;
}

/**
 * stompit (a Node STOMP client over TCP) with promises: what a Node service that talks to brokers on
 * 61613 would use. Every frame a subscription gets is kept, parsed as JSON.
 */
export class StompitClient {
  readonly received = new Map<string, unknown[]>();
  private waiters: (() => void)[] = [];
  private failure?: Error;

  private constructor(readonly client: Client) {
    client.on('error', (error: Error) => {
      this.failure = error;
      this.wake();
    });
  }

  static open(target: StompitTarget, headers: Record<string, string> = {}): Promise<StompitClient> {
    return new Promise((resolve, reject) => {
      const base = { host: '127.0.0.1', port: target.port, timeout: 10_000, connectHeaders: { host: 'localhost', 'heart-beat': '0,0', ...headers } };
      const options: connect.ConnectOptions = target.ca ? { ...base, ssl: true, ca: [target.ca] } : base;
      const client = connect(options, (error, connected) => (error ? reject(error) : resolve(new StompitClient(connected))));
      mendErrorHandler(client);
      open.add(client);
      client.once('error', () => open.delete(client));
      client.once('end', () => open.delete(client));
    });
  }

  /** Cuts every client still open. */
  static destroyAll(): void {
    for (const client of open) (client as unknown as { destroy(): void }).destroy();
    open.clear();
  }

  /** The CONNECTED frame's headers. */
  get connected(): Record<string, string> {
    return (this.client as unknown as { headers: Record<string, string> }).headers;
  }

  /** SUBSCRIBE with a receipt, resolved when the server says the subscription is live. */
  subscribe(id: string, destination: string, headers: Record<string, string> = {}): Promise<void> {
    this.received.set(id, []);
    this.client.setImplicitSubscription(id as unknown as number, 'auto', (error, message) => {
      if (error) return;
      message.readString('utf-8', (readError, body) => {
        if (readError || body === undefined) return;
        this.received.get(id)!.push(JSON.parse(body));
        this.wake();
      });
    });
    return this.withReceipt('SUBSCRIBE', { ...headers, id, destination });
  }

  /** SEND without a receipt (a refused SEND is answered on /user/queue/errors, not with a RECEIPT). */
  sendOnly(destination: string, body: string): void {
    this.client.sendFrame('SEND', { 'content-type': 'application/json', destination }).end(body);
  }

  /** SEND with a receipt, resolved on the RECEIPT. */
  send(destination: string, body: string, headers: Record<string, string> = {}): Promise<void> {
    return this.withReceipt('SEND', { 'content-type': 'application/json', ...headers, destination }, body);
  }

  /** The first `count` bodies of a subscription, waiting up to `timeoutMs`. */
  async messages<T = any>(id: string, count = 1, timeoutMs = 10_000): Promise<T[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const got = this.received.get(id) ?? [];
      if (got.length >= count) return got.slice(0, count) as T[];
      if (this.failure) throw this.failure;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out on ${id}: ${JSON.stringify(got)}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  disconnect(): Promise<void> {
    return new Promise((resolve, reject) => this.client.disconnect((error) => (error ? reject(error) : resolve())));
  }

  private withReceipt(command: string, headers: Record<string, string>, body = ''): Promise<void> {
    return new Promise((resolve, reject) => {
      const frame = this.client.sendFrame(command, headers, { onReceipt: () => resolve(), onError: reject });
      frame.end(body);
    });
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }
}
