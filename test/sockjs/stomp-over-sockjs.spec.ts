// End to end: the real server on PORT=0, STOMP clients over SockJS (`new SockJS('/chat')`) on each transport.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Client, type IMessage } from '@stomp/stompjs';
import SockJS from 'sockjs-client';
import WebSocket from 'ws';
import { startServer, type RunningServer } from '../support/server';

// The classic client of the seed page (stomp.js 2.3.3); it has no typings.
const Stomp = require('stompjs') as { over(ws: unknown): ClassicClient };
/**
 * sockjs-client gives a transport (its RTT from /info, ~1 ms on loopback, as 300 ms x its round trips) to
 * open, then gives up with "Lost connection"; on a loaded CI machine the first poll can take longer.
 */
const SOCKJS_TIMEOUT_MS = 10_000;

interface ClassicFrame {
  body: string;
  headers: Record<string, string>;
}
interface ClassicClient {
  heartbeat: { outgoing: number; incoming: number };
  debug: ((s: string) => void) | null;
  onreceipt?: (frame: ClassicFrame) => void;
  connect(headers: Record<string, string>, ok: (frame: unknown) => void, fail?: (e: unknown) => void): void;
  subscribe(dest: string, cb: (m: ClassicFrame) => void, headers?: Record<string, string>): { unsubscribe(): void };
  send(dest: string, headers: Record<string, string>, body: string): void;
  disconnect(cb?: () => void): void;
}

interface ChatMessage {
  from: string;
  text: string;
  time: string;
}

/** One STOMP client of either library, seen the same way by the tests. */
interface Participant {
  readonly name: string;
  readonly inbox: ChatMessage[];
  /** Subscribes to /topic/messages and resolves once the server confirmed it with a RECEIPT. */
  subscribe(): Promise<void>;
  send(message: { from: string; text: string }): void;
  /** Resolves once `n` messages have arrived. */
  received(n: number): Promise<ChatMessage[]>;
  stop(): Promise<void>;
}

class Inbox {
  readonly messages: ChatMessage[] = [];
  private waiters: Array<() => void> = [];
  push(body: string): void {
    this.messages.push(JSON.parse(body) as ChatMessage);
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }
  async atLeast(n: number): Promise<ChatMessage[]> {
    while (this.messages.length < n) await new Promise<void>((resolve) => this.waiters.push(resolve));
    return this.messages;
  }
}

let receipts = 0;

async function modern(url: string, transport: string): Promise<Participant> {
  const inbox = new Inbox();
  const client = new Client({
    webSocketFactory: () =>
      transport === 'plain-ws'
        ? new WebSocket(`${url.replace(/^http/, 'ws')}/chat`, ['v12.stomp', 'v11.stomp', 'v10.stomp'])
        : new SockJS(`${url}/chat`, null, { transports: [transport], timeout: SOCKJS_TIMEOUT_MS }),
    reconnectDelay: 0,
    heartbeatIncoming: 0,
    heartbeatOutgoing: 0,
  });
  await new Promise<void>((resolve, reject) => {
    client.onConnect = () => resolve();
    client.onStompError = (frame) => reject(new Error(frame.headers.message));
    client.onWebSocketClose = (e: { code?: number }) => reject(new Error(`closed before CONNECTED: ${e.code}`));
    client.activate();
  });
  return {
    name: `@stomp/stompjs over ${transport}`,
    inbox: inbox.messages,
    async subscribe() {
      const receipt = `sub-${++receipts}`;
      const done = new Promise<void>((resolve) => client.watchForReceipt(receipt, () => resolve()));
      client.subscribe('/topic/messages', (m: IMessage) => inbox.push(m.body), { receipt });
      await done;
    },
    send: (message) => client.publish({ destination: '/app/chat', body: JSON.stringify(message) }),
    received: (n) => inbox.atLeast(n),
    stop: () => client.deactivate(),
  };
}

async function classic(url: string, transport: string): Promise<Participant> {
  const inbox = new Inbox();
  const client = Stomp.over(new SockJS(`${url}/chat`, null, { transports: [transport], timeout: SOCKJS_TIMEOUT_MS }));
  client.debug = null;
  client.heartbeat = { outgoing: 0, incoming: 0 };
  const pending = new Map<string, () => void>();
  client.onreceipt = (frame) => pending.get(frame.headers['receipt-id'])?.();
  await new Promise((resolve, reject) => client.connect({}, resolve, reject));
  return {
    name: `stompjs 2.3.3 over ${transport}`,
    inbox: inbox.messages,
    async subscribe() {
      const receipt = `classic-sub-${++receipts}`;
      const done = new Promise<void>((resolve) => pending.set(receipt, resolve));
      client.subscribe('/topic/messages', (m) => inbox.push(m.body), { receipt });
      await done;
    },
    send: (message) => client.send('/app/chat', {}, JSON.stringify(message)),
    received: (n) => inbox.atLeast(n),
    stop: () => new Promise<void>((resolve) => client.disconnect(resolve)),
  };
}

const SOCKJS_TRANSPORTS = ['websocket', 'xhr-streaming', 'xhr-polling'];

describe('STOMP over SockJS against the real server', () => {
  let server: RunningServer;
  before(async () => {
    server = await startServer({ RATE_LIMIT_PER_SEC: '0' });
  });
  after(async () => {
    assert.equal(await server.stop(), 0, 'SIGTERM ends the server with exit code 0');
  });

  for (const transport of [...SOCKJS_TRANSPORTS, 'eventsource']) {
    it(`SEND /app/chat → /topic/messages with @stomp/stompjs over SockJS ${transport}`, async () => {
      const a = await modern(server.url, transport);
      await a.subscribe();
      a.send({ from: 'ann', text: `hello over ${transport}` });
      const [message] = await a.received(1);
      assert.equal(message.from, 'ann');
      assert.equal(message.text, `hello over ${transport}`);
      assert.match(message.time, /^\d{2}:\d{2}$/);
      await a.stop();
    });
  }

  for (const transport of SOCKJS_TRANSPORTS) {
    it(`SEND /app/chat → /topic/messages with the classic stompjs 2.3.3 over SockJS ${transport}`, async () => {
      const a = await classic(server.url, transport);
      await a.subscribe();
      a.send({ from: 'bob', text: `classic over ${transport}` });
      const [message] = await a.received(1);
      assert.deepEqual({ from: message.from, text: message.text }, { from: 'bob', text: `classic over ${transport}` });
      assert.match(message.time, /^\d{2}:\d{2}$/);
      await a.stop();
    });
  }

  it('a message sent over any transport reaches the subscribers on every other, in one order', async () => {
    const participants = await Promise.all([
      ...SOCKJS_TRANSPORTS.map((t) => modern(server.url, t)),
      ...SOCKJS_TRANSPORTS.map((t) => classic(server.url, t)),
      modern(server.url, 'plain-ws'),
    ]);
    await Promise.all(participants.map((p) => p.subscribe()));
    for (const p of participants) p.send({ from: p.name.slice(0, 60), text: `from ${p.name}` });
    const expected = participants.map((p) => `from ${p.name}`).sort();
    const seen = await Promise.all(participants.map((p) => p.received(participants.length)));
    for (const [i, messages] of seen.entries()) {
      assert.deepEqual(messages.map((m) => m.text).sort(), expected, `${participants[i].name} got every message`);
      assert.deepEqual(messages.map((m) => m.text), seen[0].map((m) => m.text), `${participants[i].name} saw the same order`);
    }
    await Promise.all(participants.map((p) => p.stop()));
  });
});
