import assert from 'node:assert/strict';
import { EventEmitter, once } from 'node:events';
import { after, before, describe, it } from 'node:test';
import SockJS from 'sockjs-client';
import { startSockJs, type SockJsTestServer } from './sockjs-test-server';

/** A sockjs-client socket whose messages and close can be awaited. */
class Client extends EventEmitter {
  readonly messages: string[] = [];
  closeEvent: { code: number; reason: string } | undefined;
  readonly sock: WebSocket;

  constructor(url: string, transport: string) {
    super();
    this.sock = new SockJS(url, null, { transports: [transport], timeout: 10_000 }) as unknown as WebSocket;
    this.sock.onopen = () => this.emit('open');
    this.sock.onmessage = (e: MessageEvent) => {
      this.messages.push(String(e.data));
      this.emit('message');
    };
    this.sock.onclose = (e: CloseEvent) => {
      this.closeEvent = { code: e.code, reason: e.reason };
      this.emit('close');
    };
  }

  async opened(): Promise<void> {
    if (this.sock.readyState !== 1) await once(this, 'open');
  }

  async message(n: number): Promise<string> {
    while (this.messages.length < n) {
      if (this.closeEvent) throw new Error(`closed ${JSON.stringify(this.closeEvent)} before message ${n}`);
      await once(this, 'message');
    }
    return this.messages[n - 1];
  }

  async closed(): Promise<{ code: number; reason: string }> {
    if (!this.closeEvent) await once(this, 'close');
    return this.closeEvent!;
  }
}

const FRAME = 'SEND\ndestination:/app/chat\ncontent-type:application/json\n\n{"from":"ünï","text":"ω \\" \\u2028"}\u0000';

for (const transport of ['websocket', 'xhr-streaming', 'xhr-polling', 'eventsource']) {
  describe(`sockjs-client in Node over ${transport}`, () => {
    let s: SockJsTestServer;
    before(async () => {
      s = await startSockJs({ heartbeatDelayMs: 300 });
    });
    after(() => s.stop());

    it('exchanges STOMP-like frames (NUL, newlines, non-ASCII) both ways, in order', async () => {
      const client = new Client(`${s.url}/chat`, transport);
      await client.opened();
      const session = s.endpoint.sessions.at(-1)!;
      assert.equal(session.connection.transport, `sockjs-${transport}`);
      client.sock.send(FRAME);
      for (let i = 0; i < 20; i += 1) client.sock.send(`n${i}`);
      assert.equal(await client.message(1), FRAME);
      assert.equal(await client.message(21), 'n19');
      assert.deepEqual(client.messages.slice(1), Array.from({ length: 20 }, (_, i) => `n${i}`));
      assert.equal(session.received[0], FRAME);
      client.sock.close();
      await client.closed();
      await session.whenClosed();
      assert.equal(session.closedCount, 1);
    });

    it('a server-side close reaches the client with its code and reason', async () => {
      const client = new Client(`${s.url}/chat`, transport);
      await client.opened();
      const session = s.endpoint.sessions.at(-1)!;
      session.connection.close(3000, 'Go away!');
      assert.deepEqual(await client.closed(), { code: 3000, reason: 'Go away!' });
      await session.whenClosed();
    });

    // over websocket sockjs-node beats with WebSocket pings instead, which sockjs-client does not surface
    if (transport === 'websocket') return;
    it('gets SockJS heart-beats (h frames) while idle and keeps delivering', async () => {
      const client = new Client(`${s.url}/chat`, transport);
      await client.opened();
      const session = s.endpoint.sessions.at(-1)!;
      let beats = 0;
      const twoBeats = new Promise<void>((resolve) => {
        (client.sock as unknown as EventTarget).addEventListener('heartbeat', () => {
          beats += 1;
          if (beats === 2) resolve();
        });
      });
      await twoBeats;
      client.sock.send('after the beats');
      assert.equal(await client.message(1), 'after the beats');
      assert.equal(client.closeEvent, undefined);
      client.sock.close();
      await session.whenClosed();
    });
  });
}
