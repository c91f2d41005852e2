// #12 item 1: per-room order across nodes, and no gap between replay and live. Two real nodes on one
// PostgreSQL and one RabbitMQ; four senders, two on each node, write 1,000 messages into one room at about
// 400/s. STOMP and SSE readers on both nodes must see every stored message once, in strictly increasing id
// order; since-id (STOMP) and Last-Event-ID (SSE) resumes opened while the writers run must get exactly
// the stored messages above their start, in order.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { SseClient } from '../http/sse-client';
import type { RawStomp } from '../support/raw-stomp';
import { frameText as f } from '../support/raw-stomp';
import type { RunningServer } from '../support/server';
import { outOfOrder, startCluster, stompClient, until, type Cluster } from './support/cluster';

const TOTAL = 1_000;
const SENDERS = 4;
const RATE_PER_SEC = 400;
const RESUMES = 20;

let cluster: Cluster;
let a: RunningServer;
let b: RunningServer;

before(async () => {
  // Two dozen readers in this one process on a busy machine read slower than two nodes write: what is
  // measured here is order, not the slow-consumer rule (SEND_TIME_LIMIT_MS, 10 s of a never-empty queue).
  cluster = await startCluster('order', 2, { SEND_TIME_LIMIT_MS: '120000' });
  [a, b] = cluster.nodes;
});

after(async () => cluster?.stop());

const isMessageOf = (subscription: string) => (x: RawStomp['frames'][number]) => x.command === 'MESSAGE' && x.headers.get('subscription') === subscription;
const stompIds = (c: RawStomp, subscription: string) =>
  c.frames.filter(isMessageOf(subscription)).map((x) => JSON.parse(x.body.toString()).id as number);
// Counting without parsing: the wait below polls two dozen readers, and must not starve the test's own
// event loop (its readers would then read slowly enough to be dropped as slow consumers).
const stompCount = (c: RawStomp, subscription: string) => c.frames.filter(isMessageOf(subscription)).length;
const sseCount = (s: SseClient) => s.events.filter((e) => e.event === 'message').length;

async function storedIds(server: RunningServer, room: string): Promise<number[]> {
  const ids: number[] = [];
  for (;;) {
    const page = (await (await fetch(`${server.url}/api/rooms/${room}/messages?after=${ids.at(-1) ?? 0}&limit=500`)).json()) as { id: number }[];
    ids.push(...page.map((m) => m.id));
    if (page.length < 500) return ids;
  }
}

/** This node's room feed counters from /metrics: held (came before their turn), gap fills, recovered. */
async function feedCounters(server: RunningServer): Promise<string> {
  const text = await (await fetch(`${server.url}/metrics`)).text();
  const value = (name: string) => /^(\S+) (\S+)$/m.exec(text.split('\n').find((l) => l.startsWith(`${name} `)) ?? '')?.[2] ?? '?';
  return `${value('chat_room_feed_held_total')} held for their turn, ${value('chat_room_feed_gap_fills_total')} gap fills, ` +
    `${value('chat_room_feed_recoveries_total')} relay recoveries, ${value('chat_room_feed_recovered_total')} read from the store`;
}

/** Sends `count` receipted messages, one every `everyMs`, paced against the clock; resolves with every RECEIPT in. */
async function send(sender: RawStomp, room: string, label: string, count: number, everyMs: number): Promise<void> {
  const start = Date.now();
  for (let k = 0; k < count; k++) {
    const wait = start + k * everyMs - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    sender.send(f('SEND', { destination: `/app/rooms/${room}`, receipt: `${label}-${k}` }, JSON.stringify({ from: label, text: `${label} ${k}` })));
  }
  await until(() => sender.frames.filter((x) => x.command === 'RECEIPT').length >= count, 60_000, `${label}'s receipts`);
}

describe('#12 per-room order across two nodes', { timeout: 300_000 }, () => {
  it('#12 1,000 messages from 4 senders on two nodes at ~400/s: every STOMP and SSE reader on both nodes sees each once, in id order; since-id resumes miss nothing', async () => {
    const room = `order${randomBytes(4).toString('hex')}`;
    const nodes = [a, b];
    const stompReaders = await Promise.all(nodes.map(async (node) => {
      const c = await stompClient(node);
      c.send(f('SUBSCRIBE', { id: 'r', destination: `/topic/rooms/${room}`, receipt: 'sub' }));
      await c.command('RECEIPT');
      return c;
    }));
    const sseReaders = await Promise.all(nodes.map((node) => SseClient.open(`${node.url}/sse/rooms/${room}`)));
    const senders = await Promise.all(Array.from({ length: SENDERS }, (_, i) => stompClient(nodes[i % 2])));

    // Resumes, half STOMP since-id and half SSE Last-Event-ID, alternating nodes, each from a little below
    // the newest id a reader has seen so far: their replay and the live messages overlap while writers run.
    const resumes: Array<{ kind: string; start: number; ids: () => number[]; count: () => number; sse?: SseClient; close: () => void }> = [];
    const everyMs = (SENDERS * 1000) / RATE_PER_SEC;
    const sendTimeMs = (TOTAL / SENDERS) * everyMs;
    let writing = true;
    let openedWhileWriting = 0;
    const resume = async (i: number) => {
      await new Promise((r) => setTimeout(r, ((i + 1) * sendTimeMs) / (RESUMES + 2)));
      const seen = stompIds(stompReaders[0], 'r');
      const start = Math.max(0, (seen.at(-1) ?? 0) - (i % 5) * 7);
      const node = nodes[i % 2];
      const where = `node ${i % 2 ? 'B' : 'A'}`;
      if (i % 4 < 2) {
        const c = await stompClient(node);
        c.send(f('SUBSCRIBE', { id: 's', destination: `/topic/rooms/${room}`, 'since-id': String(start) }));
        resumes.push({ kind: `STOMP since-id ${start} on ${where}`, start, ids: () => stompIds(c, 's'), count: () => stompCount(c, 's'), close: () => c.close() });
      } else {
        const sse = await SseClient.open(`${node.url}/sse/rooms/${room}`, { 'last-event-id': String(start) });
        resumes.push({ kind: `SSE Last-Event-ID ${start} on ${where}`, start, ids: () => sse.messages.map((m) => m.id), count: () => sseCount(sse), sse, close: () => sse.close() });
      }
      if (writing) openedWhileWriting++;
    };
    const resuming = Promise.all(Array.from({ length: RESUMES }, (_, i) => resume(i)));

    const started = Date.now();
    await Promise.all(senders.map((s, i) => send(s, room, `s${i}`, TOTAL / SENDERS, everyMs)));
    writing = false;
    const sentIn = Date.now() - started;
    await resuming;

    const stored = await storedIds(a, room);
    assert.equal(stored.length, TOTAL, 'every message stored');
    const readers = [
      ...stompReaders.map((c, i) => ({ kind: `STOMP reader on node ${i ? 'B' : 'A'}`, ids: () => stompIds(c, 'r'), count: () => stompCount(c, 'r') })),
      ...sseReaders.map((s, i) => ({ kind: `SSE reader on node ${i ? 'B' : 'A'}`, ids: () => s.messages.map((m) => m.id), count: () => sseCount(s), sse: s })),
    ];
    const expectedFor = (start: number) => stored.filter((id) => id > start);
    await until(
      () => readers.every((r) => r.count() >= TOTAL) && resumes.every((r) => r.count() >= expectedFor(r.start).length),
      30_000, 'every reader to have every message', 100,
    ).catch(() => undefined);
    // Anything late or doubled would show up here.
    await new Promise((r) => setTimeout(r, 500));

    const report = [...readers.map((r) => ({ ...r, start: 0 })), ...resumes].map((r) => {
      const got = r.ids();
      const expected = expectedFor(r.start);
      const missing = expected.filter((id) => !got.includes(id)).length;
      return { kind: r.kind + ((r as { sse?: SseClient }).sse?.ended ? ' (its stream ended)' : ''), got, expected, late: outOfOrder(got), missing, extra: got.length - (expected.length - missing) };
    });
    console.log(`# ${TOTAL} messages from ${SENDERS} senders in ${sentIn} ms (${Math.round((TOTAL * 1000) / sentIn)}/s), ` +
      `${openedWhileWriting} of ${RESUMES} resumes opened while they wrote; node A: ${await feedCounters(a)}; node B: ${await feedCounters(b)}; ` +
      report.map((r) => `${r.kind}: ${r.late} out of order, ${r.missing} missing, ${r.extra} extra`).join('; '));
    if (report.some((r) => r.missing > 0 || r.late > 0 || r.extra !== 0)) {
      for (const [name, node] of [['A', a], ['B', b]] as const) {
        console.log(`# node ${name} warnings:\n${node.output().split('\n').filter((l) => /WARN|ERROR/.test(l)).slice(0, 20).join('\n')}`);
      }
    }
    for (const r of report) assert.deepEqual(r.got, r.expected, `${r.kind}: every stored message above its start, once, in id order`);
    assert.equal(resumes.length, RESUMES);
    assert.ok(openedWhileWriting >= RESUMES / 2, `${openedWhileWriting} resumes opened while the writers ran: too few to mean anything`);

    for (const c of [...stompReaders, ...senders]) c.close();
    for (const s of sseReaders) s.close();
    for (const r of resumes) r.close();
  });
});
