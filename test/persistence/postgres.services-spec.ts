import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DataSource } from 'typeorm';
import { MIGRATIONS } from '@app/persistence';
import { chatRepositoryContract } from './chat-repository.contract';
import { moderationRepositoryContract } from './moderation-repository.contract';
import { roomRepositoryContract } from './room-repository.contract';
import { openRepository } from './persistence-test.helpers';

/**
 * Runs against the machine's PostgreSQL on 127.0.0.1:5432 (trust auth; user postgres, else root).
 * Creates its own database, runs the migrations into it, and drops it at the end.
 */
const ADMIN_USERS = ['postgres', 'root'];
const database = `chat_test_${process.pid}_${Date.now().toString(36)}`;
let user = ADMIN_USERS[0];

async function admin(sql: string): Promise<void> {
  const server = new DataSource({ type: 'postgres', url: `postgres://${user}@127.0.0.1:5432/postgres`, poolSize: 1 });
  await server.initialize();
  try {
    await server.query(sql);
  } finally {
    await server.destroy();
  }
}

const url = () => `postgres://${user}@127.0.0.1:5432/${database}`;

before(async () => {
  let lastError: unknown;
  for (const candidate of ADMIN_USERS) {
    user = candidate;
    try {
      await admin(`CREATE DATABASE "${database}"`);
      return;
    } catch (error) {
      lastError = error;
    }
  }
  throw lastError;
});

after(async () => {
  await admin(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
});

chatRepositoryContract('PostgreSQL', () => openRepository(url()));
roomRepositoryContract('PostgreSQL', () => openRepository(url()));
moderationRepositoryContract('PostgreSQL', () => openRepository(url()));

describe('PostgreSQL schema', () => {
  it('is made by the migrations: serial id, unique retry key, room index', async () => {
    const db = await openRepository(url());
    try {
      const migrations: { name: string }[] = await db.dataSource.query('SELECT name FROM migrations');
      assert.deepEqual(migrations.map((m) => m.name), MIGRATIONS.map((m) => m.name));
      const indexes: { indexname: string }[] = await db.dataSource.query(
        `SELECT indexname FROM pg_indexes WHERE tablename = 'messages' ORDER BY indexname`,
      );
      assert.deepEqual(indexes.map((i) => i.indexname), ['ix_messages_room_id', 'messages_pkey', 'uq_messages_room_sender_client_id', 'uq_messages_room_seq']);
      const [column]: { data_type: string }[] = await db.dataSource.query(
        `SELECT data_type FROM information_schema.columns WHERE table_name = 'messages' AND column_name = 'sent_at'`,
      );
      assert.equal(column.data_type, 'timestamp with time zone');
    } finally {
      await db.close();
    }
  });

  it('lets several servers start on one new database at once (migrations under a lock)', async () => {
    const name = `${database}_m`;
    await admin(`CREATE DATABASE "${name}"`);
    try {
      const target = `postgres://${user}@127.0.0.1:5432/${name}`;
      const opened = await Promise.all([1, 2, 3].map(() => openRepository(target)));
      try {
        const migrations: { name: string }[] = await opened[0].dataSource.query('SELECT name FROM migrations');
        assert.equal(migrations.length, MIGRATIONS.length, 'each migration ran once');
      } finally {
        await Promise.all(opened.map((o) => o.close()));
      }
    } finally {
      await admin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    }
  });

  it('answers a retry that races another connection as a duplicate, not an error', async () => {
    const [one, two] = [await openRepository(url()), await openRepository(url())];
    try {
      const make = (text: string) => ({ room: 'race', from: 'alice', text, sentAt: new Date(), clientMessageId: 'same-key' });
      const [a, b] = await Promise.all([one.repository.append([make('from one')]), two.repository.append([make('from two')])]);
      assert.equal([a[0].duplicate, b[0].duplicate].filter(Boolean).length, 1);
      assert.equal(a[0].message.id, b[0].message.id);
      assert.equal((await one.repository.latest('race', 10)).length, 1);
    } finally {
      await Promise.all([one.close(), two.close()]);
    }
  });
});
