import type { DataSource } from 'typeorm';
import type { AppendResult, NewMessage } from '@app/chat';
import { MESSAGES_TABLE, ROOM_SEQUENCES_TABLE } from './message.entity';

/**
 * The common case of `append`: a batch of new messages, none of them a retry of a stored one. It costs
 * one trip to the database's thread (SQLite) or one statement between BEGIN and COMMIT (PostgreSQL)
 * instead of one per step: every room's counter is moved on by its share of the batch, and each row's
 * seq is computed in the INSERT from the moved counter, so nothing has to come back to JavaScript
 * between the two. If any row meets the client-message-id index (a retry of a message already stored),
 * the transaction is rolled back and the caller takes the checked path, which looks retries up first.
 *
 * Ids follow batch order (the INSERT's ORDER BY), and the counter rows are locked (PostgreSQL) or the
 * database is (SQLite, BEGIN IMMEDIATE) from before the ids are drawn until COMMIT, so a room's seq
 * order and id order stay its commit order, as on the checked path.
 */

/** Rows per statement: 7 parameters each stays far below both databases' bound-parameter limits. */
export const FRESH_BATCH_MAX = 2_000;

/** One row as bound: the message plus how far below the room's new last seq it sits. */
interface Row {
  message: NewMessage;
  sentAt: unknown;
  /** 0 for the room's last message in the batch, 1 for the one before, ... */
  below: number;
}

interface Plan {
  rows: Row[];
  /** Each room of the batch with its number of messages, in sorted room order (the lock order). */
  counts: Array<[room: string, count: number]>;
}

function plan(batch: readonly NewMessage[], persistSentAt: (date: Date) => unknown): Plan {
  const remaining = new Map<string, number>();
  for (const m of batch) remaining.set(m.room, (remaining.get(m.room) ?? 0) + 1);
  const counts = [...remaining].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const rows = batch.map((message) => {
    const left = remaining.get(message.room)! - 1;
    remaining.set(message.room, left);
    return { message, sentAt: persistSentAt(message.sentAt), below: left };
  });
  return { rows, counts };
}

/**
 * Maps the inserted rows back to the batch; undefined when a row was skipped (a retry). A room's highest
 * seq in the batch is its counter's new value, so each row's seq is that minus how far below it sits.
 */
function results(p: Plan, inserted: Array<{ id: number | string; room: string; seq: number | string }>): AppendResult[] | undefined {
  if (inserted.length !== p.rows.length) return undefined;
  const idOf = new Map<string, number>();
  const last = new Map<string, number>();
  for (const row of inserted) {
    const seq = Number(row.seq);
    idOf.set(`${seq} ${row.room}`, Number(row.id));
    last.set(row.room, Math.max(last.get(row.room) ?? 0, seq));
  }
  return p.rows.map(({ message: m, below }) => {
    const seq = (last.get(m.room) ?? Number.NaN) - below;
    const id = idOf.get(`${seq} ${m.room}`);
    if (id === undefined) throw new Error(`append: no id for ${m.room} #${seq}`);
    return { message: { id, room: m.room, seq, from: m.from, text: m.text, sentAt: m.sentAt }, duplicate: false };
  });
}

/** Moves each room's counter on by its count (creating it for a new room); the row stays locked. */
function countersSql(values: string, returning: boolean): string {
  return `insert into "${ROOM_SEQUENCES_TABLE}" ("room", "last_seq") VALUES ${values}
   ON CONFLICT ("room") DO UPDATE SET "last_seq" = "${ROOM_SEQUENCES_TABLE}"."last_seq" + excluded."last_seq"${returning ? ' RETURNING "room", "last_seq"' : ''}`;
}

/**
 * The rows come in as `v`, the moved counters as `c`. `WHERE true` keeps SQLite from reading ON CONFLICT
 * as the join's ON; lower-case `insert` sends it through TypeORM's all() on SQLite, which keeps RETURNING.
 */
function messagesSql(withClause: string, counters: string): string {
  return `${withClause} insert into "${MESSAGES_TABLE}" ("room", "seq", "sender", "text", "sent_at", "client_message_id")
   SELECT v.room, c.last_seq - v.below, v.sender, v.text, v.sent_at, v.cid FROM v JOIN ${counters} ON c.room = v.room
   WHERE true ORDER BY v.ord
   ON CONFLICT ("room", "sender", "client_message_id") DO NOTHING
   RETURNING "id", "room", "seq"`;
}

/** The sqlite3 Database under TypeORM's SQLite driver. */
interface RawSqlite {
  serialize(queue: () => void): void;
  run(sql: string, params: unknown[], done: (error: Error | null) => void): void;
  all(sql: string, params: unknown[], done: (error: Error | null, rows: unknown[]) => void): void;
}

/**
 * SQLite: BEGIN, the counters and the INSERT are queued together (serialized, so in that order) and
 * run back to back on sqlite3's thread; only COMMIT or ROLLBACK waits for their answer.
 * The caller holds the DataSource's write turn (serializedWrite), so no TypeORM transaction is open.
 */
export function insertFreshSqlite(dataSource: DataSource, batch: readonly NewMessage[], persistSentAt: (date: Date) => unknown): Promise<AppendResult[] | undefined> {
  const db = (dataSource.driver as unknown as { databaseConnection: RawSqlite }).databaseConnection;
  const p = plan(batch, persistSentAt);
  const counterParams = p.counts.flat();
  const rowParams: unknown[] = [];
  for (let i = 0; i < p.rows.length; i++) {
    const { message: m, sentAt, below } = p.rows[i];
    rowParams.push(i, m.room, below, m.from, m.text, sentAt, m.clientMessageId ?? null);
  }
  const withClause = `WITH v(ord, room, below, sender, text, sent_at, cid) AS (VALUES ${p.rows.map(() => '(?, ?, ?, ?, ?, ?, ?)').join(', ')})`;
  const insert = messagesSql(withClause, `"${ROOM_SEQUENCES_TABLE}" c`);
  const counters = countersSql(p.counts.map(() => '(?, ?)').join(', '), false);
  const step = <T>(queue: (done: (error: Error | null, value?: T) => void) => void) =>
    new Promise<T>((resolve, reject) => queue((error, value) => (error ? reject(error) : resolve(value as T))));
  // Through TypeORM's logger like every other statement, so the app's query logging still sees them.
  const log = (sql: string, params: unknown[]) => dataSource.logger.logQuery(sql, params);
  const run = (sql: string, params: unknown[] = []) => {
    log(sql, params);
    return step<void>((done) => db.run(sql, params, done));
  };
  let begun!: Promise<void>;
  let moved!: Promise<void>;
  let inserted!: Promise<Array<{ id: number; room: string; seq: number }>>;
  // A deferred BEGIN takes no lock, so nothing but an open transaction could refuse it, and the write
  // turn (serializedWrite) rules that out: the statements behind it never run in autocommit. The
  // counters statement then waits for the write lock (busy timeout) like any writer.
  db.serialize(() => {
    begun = run('BEGIN');
    moved = run(counters, counterParams);
    log(insert, rowParams);
    inserted = step((done) => db.all(insert, rowParams, done as (e: Error | null, rows: unknown[]) => void));
  });
  return (async () => {
    let outcome: AppendResult[] | undefined;
    try {
      await begun;
      await moved;
      outcome = results(p, await inserted);
    } catch (error) {
      const [began] = await Promise.allSettled([begun, moved, inserted]);
      if (began.status === 'fulfilled') await run('ROLLBACK');
      throw error;
    }
    await run(outcome ? 'COMMIT' : 'ROLLBACK');
    return outcome;
  })();
}

/**
 * PostgreSQL: one statement between BEGIN and COMMIT. A data-modifying CTE moves (and locks) the
 * counters; the INSERT reads the moved values from its RETURNING, not from the table (a statement's
 * snapshot would still show the old ones).
 */
export async function insertFreshPostgres(dataSource: DataSource, batch: readonly NewMessage[], persistSentAt: (date: Date) => unknown): Promise<AppendResult[] | undefined> {
  const p = plan(batch, persistSentAt);
  const params: unknown[] = [];
  const $ = (value: unknown, type?: string) => {
    params.push(value);
    return type ? `$${params.length}::${type}` : `$${params.length}`;
  };
  const counterValues = p.counts.map(([room, count]) => `(${$(room)}, ${$(count, 'integer')})`).join(', ');
  const rowValues = p.rows
    .map(({ message: m, sentAt, below }, i) => `(${$(i, 'integer')}, ${$(m.room, 'varchar')}, ${$(below, 'integer')}, ${$(m.from, 'varchar')}, ${$(m.text, 'text')}, ${$(sentAt, 'timestamptz')}, ${$(m.clientMessageId ?? null, 'varchar')})`)
    .join(', ');
  const sql = messagesSql(`WITH c AS (${countersSql(counterValues, true)}), v(ord, room, below, sender, text, sent_at, cid) AS (VALUES ${rowValues})`, 'c');
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.startTransaction();
    let outcome: AppendResult[] | undefined;
    try {
      outcome = results(p, await runner.query(sql, params));
    } catch (error) {
      await runner.rollbackTransaction();
      throw error;
    }
    if (outcome) await runner.commitTransaction();
    else await runner.rollbackTransaction();
    return outcome;
  } finally {
    await runner.release();
  }
}
