// #3: the delivery promises (docs/destinations.md) through real STOMP sessions on a real SQLite file.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RawStomp, frameText as f } from '../support/raw-stomp';
import { startServer, type RunningServer } from '../support/server';

const dir = mkdtempSync(join(tmpdir(), 'chat-promises-'));
const env = { DATABASE_URL: `sqlite:${join(dir, 'chat.sqlite')}`, RATE_LIMIT_PER_SEC: '0' };
let server: RunningServer;

before(async () => { server = await startServer(env); });
after(async () => {
  await server.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function client(s = server): Promise<RawStomp> {
  const c = await RawStomp.open(`${s.wsUrl}/chat`);
  await c.connect({ 'heart-beat': '0,0' });
  return c;
}

const ids = (c: RawStomp, sub: string) =>
  c.frames.filter((x) => x.command === 'MESSAGE' && x.headers.get('subscription') === sub).map((x) => JSON.parse(x.body.toString()).id as number);

describe('client-message-id', () => {
  it('a retried SEND is stored and broadcast once, and the retry still gets its RECEIPT', async () => {
    const room = `dedupe${Date.now()}`;
    const c = await client();
    c.send(f('SUBSCRIBE', { id: 's', destination: `/topic/rooms/${room}`, receipt: 'sub' }));
    await c.command('RECEIPT');
    const send = (receipt: string, from = 'ann') =>
      f('SEND', { destination: `/app/rooms/${room}`, 'client-message-id': 'cm-1', receipt }, JSON.stringify({ from, text: 'once' }));
    c.send(send('a') + send('b'));
    await c.next((x) => x.command === 'RECEIPT' && x.headers.get('receipt-id') === 'a');
    await c.next((x) => x.command === 'RECEIPT' && x.headers.get('receipt-id') === 'b');
    c.send(send('c', 'bob'));
    await c.next((x) => x.command === 'RECEIPT' && x.headers.get('receipt-id') === 'c');
    const stored = await (await fetch(`${server.url}/api/rooms/${room}/messages`)).json();
    assert.deepEqual(stored.map((m: { from: string }) => m.from), ['ann', 'bob'], 'same id from another sender is another message');
    await c.next(() => ids(c, 's').length >= 2);
    assert.equal(ids(c, 's').length, 2);
    c.close();
  });
});

describe('since-id replay joined to the live stream', () => {
  it('has no gap and no duplicate while sends race the SUBSCRIBE', async () => {
    const room = `race${Date.now()}`;
    const writers = await Promise.all([client(), client(), client()]);
    const reader = await client();
    let sent = 0;
    const pump = async (w: RawStomp, n: number) => {
      for (let i = 0; i < n; i++) {
        w.send(f('SEND', { destination: `/app/rooms/${room}`, receipt: `w${i}` }, JSON.stringify({ from: 'w', text: `m${i}` })));
        sent++;
        if (i % 10 === 0) await new Promise((r) => setImmediate(r));
      }
    };
    const racing = Promise.all(writers.map((w) => pump(w, 100)));
    // Let some messages be stored first, then subscribe from id 0 while the rest are still arriving.
    await new Promise((r) => setTimeout(r, 30));
    reader.send(f('SUBSCRIBE', { id: 'r', destination: `/topic/rooms/${room}`, 'since-id': '0' }));
    await racing;
    for (const w of writers) await w.next((x) => x.command === 'RECEIPT' && x.headers.get('receipt-id') === 'w99', 10_000);
    await reader.next(() => ids(reader, 'r').length >= sent, 10_000);
    const got = ids(reader, 'r');
    assert.equal(got.length, 300);
    assert.equal(new Set(got).size, 300, 'no duplicate');
    assert.deepEqual(got, [...got].sort((a, b) => a - b), 'id order');
    for (const c of [...writers, reader]) c.close();
  });
});

describe('per-room order on every subscriber', () => {
  it('every subscriber sees the same ids in the same ascending order', async () => {
    const room = `order${Date.now()}`;
    const subs = await Promise.all([client(), client(), client()]);
    for (const s of subs) {
      s.send(f('SUBSCRIBE', { id: 'o', destination: `/topic/rooms/${room}`, receipt: 'o' }));
      await s.command('RECEIPT');
    }
    const senders = await Promise.all([client(), client()]);
    for (let i = 0; i < 50; i++) for (const s of senders) s.send(f('SEND', { destination: `/app/rooms/${room}` }, JSON.stringify({ from: 'x', text: `${i}` })));
    for (const s of subs) await s.next(() => ids(s, 'o').length >= 100, 10_000);
    const first = ids(subs[0]!, 'o');
    assert.deepEqual(first, [...first].sort((a, b) => a - b));
    for (const s of subs) assert.deepEqual(ids(s, 'o'), first);
    for (const c of [...subs, ...senders]) c.close();
  });
});

describe('durability', () => {
  it('every message whose RECEIPT arrived survives kill -9', async () => {
    const room = `crash${Date.now()}`;
    const victim = await startServer(env);
    const writers = await Promise.all([client(victim), client(victim)]);
    const acknowledged = new Set<string>();
    for (const w of writers) {
      w.ws.on('message', () => {
        for (const x of w.frames) if (x.command === 'RECEIPT') acknowledged.add(x.headers.get('receipt-id')!);
      });
    }
    let n = 0;
    const timer = setInterval(() => {
      for (const [k, w] of writers.entries()) {
        for (let i = 0; i < 20; i++) {
          const id = `k${k}-${n++}`;
          w.send(f('SEND', { destination: `/app/rooms/${room}`, receipt: id }, JSON.stringify({ from: 'crash', text: id })));
        }
      }
    }, 5);
    while (acknowledged.size < 200) await new Promise((r) => setTimeout(r, 5));
    await victim.kill();
    clearInterval(timer);
    const survivors = acknowledged.size;
    const restarted = await startServer(env);
    const stored = new Set<string>();
    let afterId = 0;
    for (;;) {
      const page = await (await fetch(`${restarted.url}/api/rooms/${room}/messages?after=${afterId}&limit=500`)).json() as { id: number; text: string }[];
      if (page.length === 0) break;
      for (const m of page) stored.add(m.text);
      afterId = page[page.length - 1]!.id;
    }
    const lost = [...acknowledged].filter((id) => !stored.has(id));
    assert.deepEqual(lost, [], `all ${survivors} acknowledged messages are stored (${stored.size} stored in all)`);
    await restarted.stop();
    for (const w of writers) w.close();
  });
});
