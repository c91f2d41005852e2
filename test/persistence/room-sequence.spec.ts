// #12: the per-room sequence on SQLite. The migration numbers what is already stored; two processes (two
// connections) writing one database file number each room without a gap or a repeat, in id order.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { DataSource } from 'typeorm';
import { MIGRATIONS, dataSourceOptions } from '@app/persistence';
import { openRepository, tempDir } from './persistence-test.helpers';

const dir = tempDir('chat-seq-');
after(() => dir.remove());

describe('#12 room sequence on SQLite', () => {
  it('#12 the migration numbers stored messages per room in id order and starts each room\'s counter after them', async () => {
    const file = join(dir.path, 'old.sqlite');
    // A database as the first release left it: the messages table only.
    const old = new DataSource({ ...dataSourceOptions(`sqlite:${file}`), migrations: [MIGRATIONS[0]] } as ConstructorParameters<typeof DataSource>[0]);
    await old.initialize();
    for (const [room, text] of [['a', 'a1'], ['b', 'b1'], ['a', 'a2'], ['a', 'a3'], ['b', 'b2']]) {
      await old.query(`INSERT INTO messages (room, sender, text, sent_at) VALUES (?, 'x', ?, '2024-01-01 00:00:00.000')`, [room, text]);
    }
    await old.destroy();

    const db = await openRepository(`sqlite:${file}`);
    try {
      assert.deepEqual((await db.repository.after('a', 0, 10)).map((m) => [m.text, m.seq]), [['a1', 1], ['a2', 2], ['a3', 3]]);
      assert.deepEqual((await db.repository.after('b', 0, 10)).map((m) => [m.text, m.seq]), [['b1', 1], ['b2', 2]]);
      const [next] = await db.repository.append([{ room: 'a', from: 'x', text: 'a4', sentAt: new Date() }]);
      assert.equal(next.message.seq, 4);
      const [fresh] = await db.repository.append([{ room: 'c', from: 'x', text: 'c1', sentAt: new Date() }]);
      assert.equal(fresh.message.seq, 1);
    } finally {
      await db.close();
    }
  });

  it('#12 two connections appending to one file at once: each room 1..n, in id order, no gap, no repeat', async () => {
    const url = `sqlite:${join(dir.path, 'shared.sqlite')}`;
    const one = await openRepository(url);
    const two = await openRepository(url);
    try {
      const writer = (db: typeof one, label: string) =>
        Promise.all(Array.from({ length: 40 }, (_, i) =>
          db.repository.append([
            { room: 'shared', from: label, text: `${label}${i}`, sentAt: new Date() },
            { room: i % 2 ? 'odd' : 'even', from: label, text: `${label}${i}`, sentAt: new Date(), clientMessageId: `${label}-${i}` },
          ])));
      await Promise.all([writer(one, 'one'), writer(two, 'two')]);
      for (const [room, count] of [['shared', 80], ['odd', 40], ['even', 40]] as const) {
        const stored = await one.repository.after(room, 0, 1000);
        assert.deepEqual(stored.map((m) => m.seq), Array.from({ length: count }, (_, i) => i + 1), room);
        assert.equal(await two.repository.lastSeq(room), count);
      }
    } finally {
      await Promise.all([one.close(), two.close()]);
    }
  });
});
