import WebSocket from 'ws';
import { Client, type IMessage, type StompHeaders } from '@stomp/stompjs';

/** What one subscription received, with a way to wait for more. */
export class Inbox {
  readonly messages: IMessage[] = [];
  private waiters: (() => void)[] = [];

  push(message: IMessage): void {
    this.messages.push(message);
    const waiting = this.waiters;
    this.waiters = [];
    for (const wake of waiting) wake();
  }

  /** The bodies, parsed. */
  get bodies(): any[] {
    return this.messages.map((m) => JSON.parse(m.body));
  }

  /** Resolves with every body once `n` have come (fails after `timeoutMs`). */
  async next(n = 1, timeoutMs = 5_000): Promise<any[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.messages.length < n) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`expected ${n} messages, got ${this.messages.length}: ${JSON.stringify(this.bodies)}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        timer.unref();
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    return this.bodies;
  }

  /** The first body matching `test`, waiting for it. */
  async find(test: (body: any) => boolean, timeoutMs = 5_000): Promise<any> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.bodies.find(test);
      if (found !== undefined) return found;
      if (Date.now() > deadline) throw new Error(`no matching message; got ${JSON.stringify(this.bodies)}`);
      await this.next(this.messages.length + 1, Math.max(1, deadline - Date.now())).catch(() => undefined);
    }
  }
}

/**
 * A real @stomp/stompjs client over ws://HOST/chat, signed in with a token as CONNECT passcode (or a
 * `login` name when the server is anonymous), already subscribed to /user/queue/errors.
 */
export class StompUser {
  readonly errors = new Inbox();
  private receipts = 0;

  private constructor(readonly client: Client) {}

  static async connect(wsUrl: string, credentials: { token?: string; login?: string }): Promise<StompUser> {
    const client = new Client({
      webSocketFactory: () => new WebSocket(`${wsUrl}/chat`, ['v12.stomp']),
      connectHeaders: {
        ...(credentials.token !== undefined && { passcode: credentials.token }),
        ...(credentials.login !== undefined && { login: credentials.login }),
      },
      reconnectDelay: 0,
      heartbeatIncoming: 0,
      heartbeatOutgoing: 0,
    });
    await new Promise<void>((resolve, reject) => {
      client.onConnect = () => resolve();
      client.onStompError = (f) => reject(new Error(f.headers.message));
      client.onWebSocketError = () => reject(new Error('websocket error'));
      client.activate();
    });
    const user = new StompUser(client);
    await user.subscribeInto(user.errors, '/user/queue/errors');
    return user;
  }

  /** Subscribes and resolves once the server's RECEIPT says the subscription is live. */
  async subscribe(destination: string, headers: StompHeaders = {}): Promise<Inbox> {
    const inbox = new Inbox();
    await this.subscribeInto(inbox, destination, headers);
    return inbox;
  }

  /** Subscribes without waiting for anything (for subscriptions the server refuses). */
  subscribeNow(destination: string, headers: StompHeaders = {}): Inbox {
    const inbox = new Inbox();
    this.client.subscribe(destination, (m) => inbox.push(m), headers);
    return inbox;
  }

  /** SENDs with a receipt; resolves when the RECEIPT came (true) or an error for it did (false). */
  async send(destination: string, body: unknown, headers: StompHeaders = {}): Promise<boolean> {
    const receipt = `r${++this.receipts}`;
    const receipted = new Promise<boolean>((resolve) => this.client.watchForReceipt(receipt, () => resolve(true)));
    const refused = this.errors.find((e) => e.receiptId === receipt, 10_000).then(() => false, () => true);
    this.client.publish({ destination, body: typeof body === 'string' ? body : JSON.stringify(body), headers: { ...headers, receipt } });
    return Promise.race([receipted, refused]);
  }

  /** One reply of a @SubscribeMapping destination (history, presence...). */
  async ask(destination: string, headers: StompHeaders = {}): Promise<any> {
    const inbox = this.subscribeNow(destination, headers);
    const [reply] = await inbox.next(1);
    return reply;
  }

  close(): Promise<void> {
    return this.client.deactivate();
  }

  private subscribeInto(inbox: Inbox, destination: string, headers: StompHeaders = {}): Promise<void> {
    const receipt = `s${++this.receipts}`;
    return new Promise<void>((resolve) => {
      this.client.watchForReceipt(receipt, () => resolve());
      this.client.subscribe(destination, (m) => inbox.push(m), { ...headers, receipt });
    });
  }
}
