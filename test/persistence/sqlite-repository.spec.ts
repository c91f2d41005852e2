import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { DatabaseUrlError, MIGRATIONS, parseDatabaseUrl } from '@app/persistence';
import { chatRepositoryContract } from './chat-repository.contract';
import { moderationRepositoryContract } from './moderation-repository.contract';
import { roomRepositoryContract } from './room-repository.contract';
import { openRepository, tempDir } from './persistence-test.helpers';

const dir = tempDir();
after(() => dir.remove());

chatRepositoryContract('SQLite file', () => openRepository(`sqlite:${join(dir.path, 'contract.sqlite')}`));
chatRepositoryContract('SQLite :memory:', () => openRepository('sqlite::memory:'));
roomRepositoryContract('SQLite file', () => openRepository(`sqlite:${join(dir.path, 'rooms.sqlite')}`));
moderationRepositoryContract('SQLite file', () => openRepository(`sqlite:${join(dir.path, 'moderation.sqlite')}`));

describe('DATABASE_URL', () => {
  it('names SQLite files, memory and PostgreSQL', () => {
    assert.deepEqual(parseDatabaseUrl('sqlite:./data/chat.sqlite'), { kind: 'sqlite', path: './data/chat.sqlite' });
    assert.deepEqual(parseDatabaseUrl('sqlite:/var/chat.db'), { kind: 'sqlite', path: '/var/chat.db' });
    assert.deepEqual(parseDatabaseUrl('sqlite:///var/chat.db'), { kind: 'sqlite', path: '/var/chat.db' });
    assert.deepEqual(parseDatabaseUrl('sqlite::memory:'), { kind: 'sqlite', path: ':memory:' });
    assert.deepEqual(parseDatabaseUrl('postgres://u:p@h:5432/db'), { kind: 'postgres', url: 'postgres://u:p@h:5432/db' });
    assert.deepEqual(parseDatabaseUrl('postgresql://h/db'), { kind: 'postgres', url: 'postgresql://h/db' });
  });

  it('refuses anything else with a clear error', () => {
    for (const bad of ['', 'sqlite:', 'mysql://h/db', 'chat.sqlite', 'postgres://']) {
      assert.throws(() => parseDatabaseUrl(bad), DatabaseUrlError, bad);
    }
  });
});

describe('SQLite file database', () => {
  it('creates the parent folder, runs in WAL mode with the chosen synchronous level', async () => {
    const file = join(dir.path, 'nested', 'deeper', 'chat.sqlite');
    const db = await openRepository(`sqlite:${file}`, { sqliteSynchronous: 'NORMAL' });
    try {
      assert.ok(existsSync(file));
      assert.deepEqual(await db.dataSource.query('PRAGMA journal_mode'), [{ journal_mode: 'wal' }]);
      assert.deepEqual(await db.dataSource.query('PRAGMA synchronous'), [{ synchronous: 1 }]);
      assert.deepEqual(await db.dataSource.query('PRAGMA busy_timeout'), [{ timeout: 5000 }]);
    } finally {
      await db.close();
    }
    const full = await openRepository(`sqlite:${file}`);
    try {
      assert.deepEqual(await full.dataSource.query('PRAGMA synchronous'), [{ synchronous: 2 }]);
    } finally {
      await full.close();
    }
  });

  it('keeps messages across reopening and runs each migration once', async () => {
    const url = `sqlite:${join(dir.path, 'reopen.sqlite')}`;
    const first = await openRepository(url);
    const [stored] = await first.repository.append([{ room: 'lobby', from: 'a', text: 'kept', sentAt: new Date() }]);
    await first.close();
    const second = await openRepository(url);
    try {
      assert.deepEqual(await second.repository.latest('lobby', 5), [stored.message]);
      const migrations: { name: string }[] = await second.dataSource.query('SELECT name FROM migrations');
      assert.deepEqual(migrations.map((m) => m.name), MIGRATIONS.map((m) => m.name));
      const [next] = await second.repository.append([{ room: 'lobby', from: 'a', text: 'next', sentAt: new Date() }]);
      assert.ok(next.message.id > stored.message.id);
    } finally {
      await second.close();
    }
  });

  it('rejects a database where the unique retry key would be violated by raw SQL (the index exists)', async () => {
    const db = await openRepository('sqlite::memory:');
    try {
      // Distinct seqs, so that it is the retry key's index that refuses the second row.
      const insert = (seq: number) =>
        `INSERT INTO messages (room, seq, sender, text, sent_at, client_message_id) VALUES ('r', ${seq}, 'a', 't', '2024-01-01 00:00:00.000', 'k')`;
      await db.dataSource.query(insert(1));
      await assert.rejects(db.dataSource.query(insert(2)), /UNIQUE.*client_message_id/);
      const indexes: { name: string }[] = await db.dataSource.query(`SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'messages' ORDER BY name`);
      assert.deepEqual(indexes.map((i) => i.name), ['ix_messages_room_id', 'uq_messages_room_sender_client_id', 'uq_messages_room_seq']);
    } finally {
      await db.close();
    }
  });
});
