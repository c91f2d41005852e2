// #3: a RECEIPT means stored, and a client that sends faster than the store commits must not keep the
// store from committing. A door reads no more from a client than it has answered (InboundWindow): while
// the database is held by someone else, a flooding STOMP session or /ws/chat socket is read up to its
// window and no further (over TCP, where one read carries many frames: that read, and no more); when the
// database is free again every message is stored and answered.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { Database } from 'sqlite3';
import { RawStomp, frameText as f } from '../support/raw-stomp';
import { RawTcpStomp } from '../tcp/raw-tcp-stomp';
import { startServer, type RunningServer } from '../support/server';

const WINDOW = 256;
const FLOOD = 2_000;
const dir = mkdtempSync(join(tmpdir(), 'chat-inbound-'));
const file = join(dir, 'chat.sqlite');
let server: RunningServer;

before(async () => { server = await startServer({ DATABASE_URL: `sqlite:${file}`, RATE_LIMIT_PER_SEC: '0', STOMP_TCP_PORT: '0' }); });
after(async () => {
  await server.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function framesIn(door: string): Promise<number> {
  const text = await (await fetch(`${server.url}/metrics`)).text();
  const m = new RegExp(`^chat_frames_in_total\\{door="${door}",protocol="[^"]+"\\} (\\d+)`, 'm').exec(text);
  return Number(m?.[1] ?? 0);
}

/** Takes SQLite's write lock from another connection, as a second process writing the same file would. */
async function holdWriteLock(): Promise<() => Promise<void>> {
  const db = new Database(file);
  const run = (sql: string) => new Promise<void>((resolve, reject) => db.exec(sql, (e) => (e ? reject(e) : resolve())));
  await run('BEGIN IMMEDIATE');
  return async () => {
    await run('ROLLBACK');
    await new Promise<void>((resolve) => db.close(() => resolve()));
  };
}

const stored = async (room: string) => {
  const texts: string[] = [];
  for (let afterId = 0; ;) {
    const page = await (await fetch(`${server.url}/api/rooms/${room}/messages?after=${afterId}&limit=500`)).json() as { id: number; text: string }[];
    if (page.length === 0) return texts;
    texts.push(...page.map((m) => m.text));
    afterId = page.at(-1)!.id;
  }
};

describe('#3 inbound flow control', () => {
  it('a STOMP session flooding SENDs is read no further than its unanswered window while the store is held, then every SEND is stored and receipted', async () => {
    const room = `flow${Date.now()}`;
    const c = await RawStomp.open(`${server.wsUrl}/chat`);
    await c.connect({ 'heart-beat': '0,0' });
    const before = await framesIn('websocket');
    const release = await holdWriteLock();
    let released = false;
    try {
      for (let i = 0; i < FLOOD; i++) c.send(f('SEND', { destination: `/app/rooms/${room}`, receipt: `r${i}` }, JSON.stringify({ from: 'flood', text: `m${i}` })));
      // Long enough for the server to read the whole flood if nothing held it back (it is all on the socket).
      await new Promise((r) => setTimeout(r, 1_500));
      const read = (await framesIn('websocket')) - before;
      assert.ok(read >= WINDOW, `the window is used (${read} frames read)`);
      assert.ok(read <= WINDOW + 8, `no more than the window is read while nothing is answered (${read} of ${FLOOD} read)`);
      await release();
      released = true;
      await c.next((x) => x.command === 'RECEIPT' && x.headers.get('receipt-id') === `r${FLOOD - 1}`, 60_000);
    } finally {
      if (!released) await release();
    }
    const receipts = c.frames.filter((x) => x.command === 'RECEIPT').map((x) => x.headers.get('receipt-id'));
    assert.deepEqual(receipts, Array.from({ length: FLOOD }, (_, i) => `r${i}`), 'every SEND receipted, in order');
    assert.deepEqual(await stored(room), Array.from({ length: FLOOD }, (_, i) => `m${i}`));
    c.close();
  });

  it('a STOMP over TCP session flooding SENDs in one write is read no further than its window and the chunk that filled it', async () => {
    const room = `flowtcp${Date.now()}`;
    const c = await RawTcpStomp.open({ port: server.tcpPort! });
    await c.connect();
    const before = await framesIn('tcp');
    const release = await holdWriteLock();
    let released = false;
    const flood = 10_000;
    try {
      c.write(Array.from({ length: flood }, (_, i) => f('SEND', { destination: `/app/rooms/${room}`, receipt: `r${i}` }, JSON.stringify({ from: 'flood', text: `m${i}` }))).join(''));
      await new Promise((r) => setTimeout(r, 1_500));
      const read = (await framesIn('tcp')) - before;
      // A socket read is at most 64 KiB: under 1,000 of these frames.
      assert.ok(read >= WINDOW && read <= WINDOW + 1_000, `${read} of ${flood} frames read while nothing is answered`);
      await release();
      released = true;
      await c.next((x) => x.command === 'RECEIPT' && x.headers.get('receipt-id') === `r${flood - 1}`, 60_000);
    } finally {
      if (!released) await release();
    }
    assert.equal(c.frames.filter((x) => x.command === 'RECEIPT').length, flood);
    assert.deepEqual(await stored(room), Array.from({ length: flood }, (_, i) => `m${i}`));
    c.destroy();
  });

  it('a /ws/chat socket flooding posts is read no further than its window while the store is held, then every post is stored', async () => {
    const room = `flowws${Date.now()}`;
    const ws = new WebSocket(`${server.wsUrl}/ws/chat?room=${room}`);
    const errors: string[] = [];
    let echoed = 0;
    ws.on('message', (d) => {
      const m = JSON.parse(d.toString()) as { error?: string };
      if (m.error) errors.push(m.error);
      else echoed++;
    });
    await new Promise((r) => ws.once('open', r));
    const before = await framesIn('plain-ws');
    const release = await holdWriteLock();
    let released = false;
    try {
      for (let i = 0; i < FLOOD; i++) ws.send(JSON.stringify({ from: 'flood', text: `m${i}` }));
      await new Promise((r) => setTimeout(r, 1_500));
      const read = (await framesIn('plain-ws')) - before;
      assert.ok(read >= WINDOW && read <= WINDOW + 8, `${read} of ${FLOOD} frames read while nothing is answered`);
      await release();
      released = true;
    } finally {
      if (!released) await release();
    }
    const deadline = Date.now() + 60_000;
    while (echoed < FLOOD && errors.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    assert.deepEqual(errors, []);
    assert.deepEqual(await stored(room), Array.from({ length: FLOOD }, (_, i) => `m${i}`));
    ws.close();
  });
});
