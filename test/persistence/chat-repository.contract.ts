import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { AppendResult, ChatRepository, NewMessage } from '@app/chat';
import { uniqueRoom } from './persistence-test.helpers';

export interface ContractTarget {
  repository: ChatRepository;
  close(): Promise<void>;
}

function message(room: string, text: string, extra: Partial<NewMessage> = {}): NewMessage {
  return { room, from: 'alice', text, sentAt: new Date(), ...extra };
}

/**
 * The behaviour every ChatRepository must have, registered as node:test tests. Each test uses its
 * own room names, so one database serves the whole suite.
 */
export function chatRepositoryContract(name: string, open: () => Promise<ContractTarget>): void {
  describe(`ChatRepository contract: ${name}`, () => {
    let target: ContractTarget;
    let repo: ChatRepository;
    before(async () => {
      target = await open();
      repo = target.repository;
    });
    after(async () => target?.close());

    it('stores a batch with ids growing in input order, one sequence across rooms', async () => {
      const [a, b] = [uniqueRoom('a'), uniqueRoom('b')];
      const results = await repo.append([message(a, 'one'), message(b, 'two'), message(a, 'three')]);
      assert.deepEqual(results.map((r) => r.duplicate), [false, false, false]);
      const ids = results.map((r) => r.message.id);
      assert.ok(ids[0] < ids[1] && ids[1] < ids[2], `ids ${ids}`);
      assert.deepEqual(results.map((r) => [r.message.room, r.message.text]), [[a, 'one'], [b, 'two'], [a, 'three']]);
      const later = await repo.append([message(b, 'four')]);
      assert.ok(later[0].message.id > ids[2]);
      assert.deepEqual((await repo.latest(a, 10)).map((m) => m.text), ['one', 'three']);
    });

    it('returns [] for an empty batch', async () => {
      assert.deepEqual(await repo.append([]), []);
    });

    it('keeps text, sender and sentAt exactly (unicode, 4000 characters, milliseconds)', async () => {
      const room = uniqueRoom();
      const sentAt = new Date('2024-02-29T23:59:58.123Z');
      const text = '✓ ünïcödé 🙂 "quotes" \'single\' \\ ; DROP TABLE messages; --'.padEnd(4000, 'x');
      const [stored] = await repo.append([{ room, from: 'Zoë 🙂', text, sentAt }]);
      const [read] = await repo.latest(room, 1);
      assert.deepEqual(read, stored.message);
      assert.equal(read.text, text);
      assert.equal(read.from, 'Zoë 🙂');
      assert.equal(read.sentAt.toISOString(), '2024-02-29T23:59:58.123Z');
    });

    it('answers a client-message-id retry with the earlier message and stores nothing new', async () => {
      const room = uniqueRoom();
      const [first] = await repo.append([message(room, 'hello', { clientMessageId: 'c-1' })]);
      const [retry] = await repo.append([message(room, 'hello again', { clientMessageId: 'c-1' })]);
      assert.equal(first.duplicate, false);
      assert.equal(retry.duplicate, true);
      assert.deepEqual(retry.message, first.message);
      assert.deepEqual((await repo.latest(room, 10)).map((m) => m.text), ['hello']);
    });

    it('de-duplicates inside one batch, keeping the first', async () => {
      const room = uniqueRoom();
      const results = await repo.append([
        message(room, 'first', { clientMessageId: 'k' }),
        message(room, 'plain'),
        message(room, 'second', { clientMessageId: 'k' }),
        message(room, 'other', { clientMessageId: 'k2' }),
      ]);
      assert.deepEqual(results.map((r) => r.duplicate), [false, false, true, false]);
      assert.equal(results[2].message.id, results[0].message.id);
      assert.equal(results[2].message.text, 'first');
      assert.ok(results[0].message.id < results[1].message.id && results[1].message.id < results[3].message.id);
      assert.deepEqual((await repo.latest(room, 10)).map((m) => m.text), ['first', 'plain', 'other']);
    });

    it('mixes a retry of an earlier batch with new messages in one batch', async () => {
      const room = uniqueRoom();
      const [earlier] = await repo.append([message(room, 'early', { clientMessageId: 'x' })]);
      const results = await repo.append([message(room, 'new 1'), message(room, 'retry', { clientMessageId: 'x' }), message(room, 'new 2')]);
      assert.deepEqual(results.map((r) => r.duplicate), [false, true, false]);
      assert.deepEqual(results[1].message, earlier.message);
      assert.ok(results[0].message.id < results[2].message.id);
      assert.deepEqual((await repo.latest(room, 10)).map((m) => m.text), ['early', 'new 1', 'new 2']);
    });

    it('treats the same client-message-id from another sender or room as a new message', async () => {
      const [room, other] = [uniqueRoom(), uniqueRoom()];
      const results = await repo.append([
        message(room, 'a', { clientMessageId: 'same' }),
        message(room, 'b', { clientMessageId: 'same', from: 'bob' }),
        message(other, 'c', { clientMessageId: 'same' }),
      ]);
      assert.deepEqual(results.map((r) => r.duplicate), [false, false, false]);
      assert.equal(new Set(results.map((r) => r.message.id)).size, 3);
    });

    it('stores identical messages without a client-message-id twice', async () => {
      const room = uniqueRoom();
      const results = await repo.append([message(room, 'same'), message(room, 'same')]);
      assert.notEqual(results[0].message.id, results[1].message.id);
      assert.equal((await repo.latest(room, 10)).length, 2);
    });

    it('pages history: latest, after and before, oldest first, unknown room empty', async () => {
      const room = uniqueRoom();
      const stored = (await repo.append(Array.from({ length: 10 }, (_, i) => message(room, `m${i}`)))).map((r) => r.message);
      const texts = (list: { text: string }[]) => list.map((m) => m.text);
      assert.deepEqual(texts(await repo.latest(room, 3)), ['m7', 'm8', 'm9']);
      assert.deepEqual(texts(await repo.after(room, stored[2].id, 3)), ['m3', 'm4', 'm5']);
      assert.deepEqual(texts(await repo.before(room, stored[5].id, 3)), ['m2', 'm3', 'm4']);
      assert.deepEqual(texts(await repo.after(room, stored[9].id, 3)), []);
      assert.deepEqual(texts(await repo.before(room, stored[0].id, 3)), []);
      assert.deepEqual(await repo.latest(uniqueRoom('nobody'), 50), []);
      assert.deepEqual(await repo.after(uniqueRoom('nobody'), 0, 50), []);
    });

    it('summarises rooms: message count and time of the last message', async () => {
      const [a, b] = [uniqueRoom('sum-a'), uniqueRoom('sum-b')];
      await repo.append([
        message(a, '1', { sentAt: new Date('2024-01-01T10:00:00.000Z') }),
        message(a, '2', { sentAt: new Date('2024-01-01T11:30:00.500Z') }),
        message(b, '3', { sentAt: new Date('2024-01-02T09:00:00.000Z') }),
      ]);
      const mine = (await repo.rooms()).filter((r) => r.room === a || r.room === b);
      assert.deepEqual(
        mine.map((r) => [r.room, r.messages, r.lastMessageAt.toISOString()]),
        [
          [a, 2, '2024-01-01T11:30:00.500Z'],
          [b, 1, '2024-01-02T09:00:00.000Z'],
        ],
      );
    });

    it('stores a batch larger than one INSERT statement, ids in input order', async () => {
      const room = uniqueRoom();
      const batch = Array.from({ length: 1203 }, (_, i) => message(room, `n${i}`, i % 3 === 0 ? { clientMessageId: `k${i}` } : {}));
      const results = await repo.append(batch);
      const ids = results.map((r) => r.message.id);
      assert.ok(ids.every((id, i) => i === 0 || id > ids[i - 1]), 'ids ascend in input order');
      assert.deepEqual(results.map((r) => r.message.text), batch.map((m) => m.text));
      assert.equal((await repo.after(room, 0, 2000)).length, 1203);
    });

    it('takes concurrent appends without losing or sharing an id', async () => {
      const room = uniqueRoom();
      const all = await Promise.all(Array.from({ length: 20 }, (_, i) => repo.append([message(room, `p${i}a`), message(room, `p${i}b`)])));
      const ids = all.flat().map((r) => r.message.id);
      assert.equal(new Set(ids).size, 40);
      assert.equal((await repo.after(room, 0, 100)).length, 40);
    });

    it('#12 numbers each room 1, 2, 3, ... with ids growing alongside; retries take no number; afterSeq and lastSeq read it', async () => {
      const [a, b] = [uniqueRoom('seq-a'), uniqueRoom('seq-b')];
      assert.equal(await repo.lastSeq(a), 0);
      const first = await repo.append([message(a, 'a1'), message(b, 'b1', { clientMessageId: 'k' }), message(a, 'a2')]);
      const second = await repo.append([message(b, 'retry', { clientMessageId: 'k' }), message(b, 'b2'), message(a, 'a3')]);
      assert.deepEqual(first.map((r) => [r.message.text, r.message.seq]), [['a1', 1], ['b1', 1], ['a2', 2]]);
      assert.deepEqual(second.map((r) => [r.message.text, r.message.seq, r.duplicate]), [['b1', 1, true], ['b2', 2, false], ['a3', 3, false]]);
      assert.deepEqual([await repo.lastSeq(a), await repo.lastSeq(b)], [3, 2]);
      const inA = await repo.afterSeq(a, 1, 10);
      assert.deepEqual(inA.map((m) => [m.text, m.seq]), [['a2', 2], ['a3', 3]]);
      assert.deepEqual(inA, (await repo.after(a, first[0].message.id, 10)), 'seq order is id order');
      assert.deepEqual(await repo.afterSeq(a, 3, 10), []);
      assert.deepEqual((await repo.latest(b, 10)).map((m) => m.seq), [1, 2]);
    });

    it('#12 concurrent appends into shared rooms: every room numbered without gap or repeat, in id order', async () => {
      const rooms = [uniqueRoom('conc-a'), uniqueRoom('conc-b'), uniqueRoom('conc-c')];
      // Batches that share rooms in different orders: a writer that took their locks in batch order could deadlock.
      await Promise.all(Array.from({ length: 30 }, (_, i) => repo.append([
        message(rooms[i % 3], `x${i}`), message(rooms[(i + 1) % 3], `y${i}`), message(rooms[i % 3], `z${i}`),
      ])));
      for (const room of rooms) {
        const stored = await repo.after(room, 0, 1000);
        assert.equal(stored.length, 30);
        assert.deepEqual(stored.map((m) => m.seq), Array.from({ length: 30 }, (_, i) => i + 1), `${room}: 1..30 in id order`);
        assert.equal(await repo.lastSeq(room), 30);
      }
    });

    it('#14 random concurrent batches of new posts, retries of stored ones and repeats within a batch: every room 1..n in id order, each retry answered with its first', async () => {
      // A fixed seed: the same mix every run, with retries landing in both the fresh and the checked path.
      let seed = 14;
      const random = (n: number) => {
        seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
        return seed % n;
      };
      const rooms = [uniqueRoom('mix-a'), uniqueRoom('mix-b'), uniqueRoom('mix-c')];
      const sent: Array<{ key?: string; text: string }> = [];
      const batches = Array.from({ length: 24 }, (_, b) => Array.from({ length: 1 + random(6) }, (_, i) => {
        const room = rooms[random(3)];
        const from = `u${random(3)}`;
        const retry = random(3) === 0 && sent.length > 0 ? sent[random(sent.length)] : undefined;
        const key = retry?.key ?? (random(2) === 0 ? `${room}|${from}|k${b}-${i}` : undefined);
        const [keyRoom, keyFrom, keyId] = key ? key.split('|') : [room, from, undefined];
        const m = message(keyRoom, `t${b}-${i}`, { from: keyFrom, ...(keyId && { clientMessageId: keyId }) });
        sent.push({ key, text: m.text });
        return m;
      }));
      const answers = await Promise.all(batches.map((batch) => repo.append(batch)));
      const all = batches.flat();
      // Which of two racing batches stores a key first is the database's call; every answer must agree.
      const byKey = new Map<string, AppendResult[]>();
      answers.flat().forEach((r, i) => {
        const m = all[i];
        if (!m.clientMessageId) return assert.equal(r.duplicate, false);
        const key = `${m.room}|${m.from}|${m.clientMessageId}`;
        byKey.set(key, [...(byKey.get(key) ?? []), r]);
      });
      for (const [key, rs] of byKey) {
        assert.equal(new Set(rs.map((r) => r.message.id)).size, 1, `${key}: one message`);
        assert.equal(rs.filter((r) => !r.duplicate).length, 1, `${key}: stored once`);
      }
      for (const room of rooms) {
        const stored = await repo.after(room, 0, 1000);
        assert.deepEqual(stored.map((m) => m.seq), stored.map((_, i) => i + 1), `${room}: 1..n in id order`);
        assert.equal(await repo.lastSeq(room), stored.length);
      }
      const storedCount = (await Promise.all(rooms.map((room) => repo.after(room, 0, 1000)))).reduce((n, s) => n + s.length, 0);
      assert.equal(storedCount, all.filter((m) => !m.clientMessageId).length + byKey.size, 'each key stored once, each keyless post stored');
    });

    it('answers ping', async () => {
      await repo.ping();
    });
  });
}
