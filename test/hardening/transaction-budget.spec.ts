// #10 item 2: pending transaction frames have one byte budget per session (MAX_TRANSACTION_BYTES, 1 MiB by
// default) over all its open transactions, and enlisted SENDs pay the rate limit when they arrive.
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { RawStomp, frameText as f } from '../support/raw-stomp';
import { startServer, type RunningServer } from '../support/server';

const MIB = 1024 * 1024;
const BODY = 'x'.repeat(60 * 1024);
const TRANSACTIONS = 16;

let open: RunningServer;
let limited: RunningServer;

before(async () => {
  [open, limited] = await Promise.all([
    startServer({ RATE_LIMIT_PER_SEC: '0' }),
    startServer({ RATE_LIMIT_PER_SEC: '1', RATE_LIMIT_BURST: '5' }),
  ]);
});
after(async () => {
  await Promise.all([open.stop(), limited.stop()]);
});

function rssBytes(server: RunningServer): number {
  const kb = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${server.process.pid}/status`, 'utf8'));
  return Number(kb?.[1] ?? 0) * 1024;
}

/** Distinct receipt ids answered (a committed frame's receipt is answered again at COMMIT). */
const receiptsOf = (c: RawStomp, prefix: string) =>
  new Set(c.frames.filter((x) => x.command === 'RECEIPT' && x.headers.get('receipt-id')?.startsWith(prefix)).map((x) => x.headers.get('receipt-id'))).size;

/** A session with 16 open transactions (BEGIN answered). */
async function sixteenTransactions(server: RunningServer): Promise<RawStomp> {
  const c = await RawStomp.open(`${server.wsUrl}/chat`);
  await c.connect({ 'heart-beat': '0,0' });
  c.send(Array.from({ length: TRANSACTIONS }, (_, t) => f('BEGIN', { transaction: `t${t}`, receipt: `b${t}` })).join(''));
  await c.next((x) => x.command === 'RECEIPT' && x.headers.get('receipt-id') === `b${TRANSACTIONS - 1}`);
  return c;
}

/** The i-th 60 KiB SEND, round-robin over the 16 transactions. */
const bigSend = (i: number) => f('SEND', { destination: '/topic/tx-budget', transaction: `t${i % TRANSACTIONS}`, receipt: `s${i}` }, BODY);

describe('#10 transaction byte budget', () => {
  it('16 transactions filled with 60 KiB SENDs: ERROR "transaction too large" before 1 MiB plus one frame, then the socket closes', async () => {
    const c = await sixteenTransactions(open);
    // Far more than the budget (the attack held 16 x 1000 of these): the server must stop taking them.
    for (let i = 0; i < 40; i++) c.send(bigSend(i));
    const error = await c.expectErrorAndClose(10_000);
    assert.equal(error.headers.get('message'), 'transaction too large');
    assert.match(error.body.toString(), /at most 1048576 bytes/);
    // The refused SEND is the one that would cross the budget: it is named by its receipt.
    const accepted = receiptsOf(c, 's');
    assert.equal(error.headers.get('receipt-id'), `s${accepted}`);
    assert.ok(accepted * BODY.length <= MIB, `${accepted} SENDs of 60 KiB were held`);
    assert.ok((accepted + 1) * BODY.length > MIB - BODY.length, `the budget is usable: only ${accepted} SENDs were held`);
  });

  it('memory of sessions held at their budget stays near the budget (measured: server RSS)', async () => {
    const sessions = 4;
    const perSession = Math.floor(MIB / (BODY.length + 512));
    // A first session warms up the buffers and code paths, so the figure is the held frames, not the JIT.
    const warm = await sixteenTransactions(open);
    for (let i = 0; i < perSession; i++) warm.send(bigSend(i));
    await warm.next((x) => x.command === 'RECEIPT' && x.headers.get('receipt-id') === `s${perSession - 1}`, 10_000);
    warm.close();
    await new Promise((r) => setTimeout(r, 500));
    const clients = await Promise.all(Array.from({ length: sessions }, () => sixteenTransactions(open)));
    const before = rssBytes(open);
    for (const c of clients) for (let i = 0; i < perSession; i++) c.send(bigSend(i));
    await Promise.all(clients.map((c) => c.next((x) => x.command === 'RECEIPT' && x.headers.get('receipt-id') === `s${perSession - 1}`, 10_000)));
    const grown = (rssBytes(open) - before) / sessions;
    console.log(`# one session at its transaction budget (${perSession} x 60 KiB held): server RSS +${(grown / MIB).toFixed(2)} MiB`);
    for (const c of clients) assert.equal(c.closeCode, undefined, 'a session within its budget stays open');
    for (const c of clients) c.close();
    assert.ok(grown < 8 * MIB, `server RSS grew ${(grown / MIB).toFixed(1)} MiB per session`);
  });

  it('COMMIT and ABORT give the budget back', async () => {
    const c = await sixteenTransactions(open);
    const perSession = Math.floor(MIB / (BODY.length + 512));
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < perSession; i++) c.send(bigSend(i).replace(`receipt:s${i}`, `receipt:r${round}-${i}`));
      c.send(Array.from({ length: TRANSACTIONS }, (_, t) => f(round % 2 ? 'ABORT' : 'COMMIT', { transaction: `t${t}` })).join(''));
      c.send(Array.from({ length: TRANSACTIONS }, (_, t) => f('BEGIN', { transaction: `t${t}`, receipt: `again${round}-${t}` })).join(''));
      await c.next((x) => x.command === 'RECEIPT' && x.headers.get('receipt-id') === `again${round}-${TRANSACTIONS - 1}`, 10_000);
    }
    assert.equal(receiptsOf(c, 'r'), 3 * perSession);
    assert.equal(c.closeCode, undefined);
    c.close();
  });
});

describe('#10 enlisted SENDs count against the rate limit', () => {
  it('a SEND pays its token when enlisted: past the burst it is refused at once, and COMMIT delivers the rest without paying again', async () => {
    const c = await RawStomp.open(`${limited.wsUrl}/chat`);
    await c.connect({ 'heart-beat': '0,0' });
    c.send(f('SUBSCRIBE', { id: 'errors', destination: '/user/queue/errors' })
      + f('SUBSCRIBE', { id: 'live', destination: '/topic/tx-rate', receipt: 'sub' })
      + f('BEGIN', { transaction: 't', receipt: 'begin' }));
    await c.next((x) => x.command === 'RECEIPT' && x.headers.get('receipt-id') === 'begin');
    // Burst 5, 1 token a second: ten SENDs in one message, enlisted.
    c.send(Array.from({ length: 10 }, (_, i) => f('SEND', { destination: '/topic/tx-rate', transaction: 't', receipt: `m${i}` }, `${i}`)).join(''));
    const refusals = () => c.frames.filter((x) => x.command === 'MESSAGE' && x.headers.get('subscription') === 'errors');
    await c.next((x) => x.command === 'RECEIPT' && x.headers.get('receipt-id') === 'm4');
    for (let wait = 0; wait < 50 && refusals().length < 5; wait++) await new Promise((r) => setTimeout(r, 20));
    // Refused before any COMMIT: the token is taken at enlist time.
    const refused = refusals().map((x) => JSON.parse(x.body.toString()) as { error: string; receiptId: string });
    assert.deepEqual(refused.map((r) => r.error), Array(5).fill('rate-limited'));
    assert.deepEqual(refused.map((r) => r.receiptId), ['m5', 'm6', 'm7', 'm8', 'm9']);
    assert.equal(receiptsOf(c, 'm'), 5);
    assert.equal(c.frames.filter((x) => x.headers.get('subscription') === 'live').length, 0, 'nothing is delivered before COMMIT');
    // The bucket is empty now; COMMIT delivers all five enlisted SENDs all the same (no second charge).
    c.send(f('COMMIT', { transaction: 't', receipt: 'commit' }));
    await c.next((x) => x.command === 'RECEIPT' && x.headers.get('receipt-id') === 'commit');
    await c.next((x) => x.command === 'MESSAGE' && x.body.toString() === '4');
    const delivered = c.frames.filter((x) => x.headers.get('subscription') === 'live').map((x) => x.body.toString());
    assert.deepEqual(delivered, ['0', '1', '2', '3', '4']);
    assert.equal(refusals().length, 5, 'COMMIT was not charged again');
    c.close();
  });
});
