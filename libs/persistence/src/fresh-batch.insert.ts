import type { DataSource } from 'typeorm';
import type { AppendResult, NewMessage, StoredMessage } from '@app/chat';
import { MESSAGES_TABLE, ROOM_SEQUENCES_TABLE } from './message.entity';
import { keptStatement, rawSqlite } from './sqlite-statements';

/**
 * The common case of `append`: a batch with no client-message-id twice in it. Instead of one statement
 * per step (lock the rooms, look up retries, insert, move the counters), the numbering is done inside
 * one INSERT, so nothing has to come back to JavaScript in between.
 *
 * - SQLite (one writer): one autocommit statement numbers each room from its highest seq and leaves out
 *   retries of stored messages before numbering (insertFreshSqlite).
 * - PostgreSQL (several writers): between BEGIN and COMMIT, one statement moves the rooms' counters
 *   (locking their rows until COMMIT) and numbers the rows from the moved values; if a row then meets
 *   the client-message-id index (a retry), the transaction is rolled back and the caller takes the
 *   checked path, which looks retries up first (insertFreshPostgres).
 *
 * Ids follow batch order (the INSERT's ORDER BY), and the rooms are locked from before the ids are drawn
 * until the commit, so a room's seq order and id order stay its commit order, as on the checked path.
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
function countersSql(values: string): string {
  return `insert into "${ROOM_SEQUENCES_TABLE}" ("room", "last_seq") VALUES ${values}
   ON CONFLICT ("room") DO UPDATE SET "last_seq" = "${ROOM_SEQUENCES_TABLE}"."last_seq" + excluded."last_seq"
   RETURNING "room", "last_seq"`;
}

/** The rows come in as `v`, the moved counters as `c`. */
function messagesSql(withClause: string, counters: string): string {
  return `${withClause} insert into "${MESSAGES_TABLE}" ("room", "seq", "sender", "text", "sent_at", "client_message_id")
   SELECT v.room, c.last_seq - v.below, v.sender, v.text, v.sent_at, v.cid FROM v JOIN ${counters} ON c.room = v.room
   WHERE true ORDER BY v.ord
   ON CONFLICT ("room", "sender", "client_message_id") DO NOTHING
   RETURNING "id", "room", "seq"`;
}

/** Batches up to this many rows run a kept statement (one per size); bigger ones are rare and amortize a parse. */
const KEPT_UP_TO = 32;

/**
 * SQLite: one statement in autocommit, which SQLite runs as its own write transaction (taking the write
 * lock before it reads, so no other process can commit in between). SQLite has one writer, so a room's
 * next number is simply its highest `seq` plus the row's rank among the batch's new rows of that room;
 * a retry of a stored message is left out by NOT EXISTS before anything is numbered, so it takes no
 * number, and the caller is told which rows those were. `room_sequences` is PostgreSQL's lock and is not
 * kept here (the checked path on SQLite reads the highest seq too).
 *
 * One statement, kept prepared, is one trip to sqlite3's thread: four fresh statements (BEGIN, counters,
 * INSERT, COMMIT) were twelve, each a hand-off to the thread pool and back through the event loop,
 * ~0.6 ms of CPU for a one-message batch.
 *
 * `lookup` finds stored messages by retry key; it is used only when a row was left out.
 */
export async function insertFreshSqlite(
  dataSource: DataSource,
  batch: readonly NewMessage[],
  persistSentAt: (date: Date) => unknown,
  lookup: (messages: readonly NewMessage[]) => Promise<Array<{ clientMessageId: string | null; message: StoredMessage }>>,
): Promise<AppendResult[]> {
  const params: unknown[] = [];
  batch.forEach((m, i) => params.push(i, m.room, m.from, m.text, persistSentAt(m.sentAt), m.clientMessageId ?? null));
  const sql = `WITH v(ord, room, sender, text, sent_at, cid) AS (VALUES ${batch.map(() => '(?, ?, ?, ?, ?, ?)').join(', ')})
   insert into "${MESSAGES_TABLE}" ("room", "seq", "sender", "text", "sent_at", "client_message_id")
   SELECT v.room,
     (SELECT COALESCE(MAX(m.seq), 0) FROM "${MESSAGES_TABLE}" m WHERE m.room = v.room) + ROW_NUMBER() OVER (PARTITION BY v.room ORDER BY v.ord),
     v.sender, v.text, v.sent_at, v.cid
   FROM v
   WHERE v.cid IS NULL OR NOT EXISTS (
     SELECT 1 FROM "${MESSAGES_TABLE}" m WHERE m.room = v.room AND m.sender = v.sender AND m.client_message_id = v.cid)
   ORDER BY v.ord
   RETURNING "id", "room", "seq"`;
  dataSource.logger.logQuery(sql, params);
  const inserted = await new Promise<Array<{ id: number; room: string; seq: number }>>((resolve, reject) => {
    const done = (error: Error | null, rows: unknown[]) => (error ? reject(error) : resolve(rows as Array<{ id: number; room: string; seq: number }>));
    if (batch.length <= KEPT_UP_TO) keptStatement(dataSource, sql).all(params, done);
    else rawSqlite(dataSource).all(sql, params, done);
  });
  // Which rows were left out as retries: only asked when some were.
  const earlier = new Map<number, StoredMessage>();
  if (inserted.length < batch.length) {
    const fresh = new Set(inserted.map((r) => Number(r.id)));
    const keyed = batch.map((m, i) => [m, i] as const).filter(([m]) => m.clientMessageId != null);
    const found = new Map((await lookup(keyed.map(([m]) => m))).map((s) => [retryKeyOf(s.message.room, s.message.from, s.clientMessageId ?? undefined), s.message]));
    for (const [m, i] of keyed) {
      const stored = found.get(retryKeyOf(m.room, m.from, m.clientMessageId!));
      if (stored && !fresh.has(stored.id)) earlier.set(i, stored);
    }
  }
  // The new rows of each room, in batch order, took that room's returned numbers in ascending order.
  const numbers = new Map<string, Array<{ id: number; seq: number }>>();
  for (const row of inserted) {
    let list = numbers.get(row.room);
    if (!list) numbers.set(row.room, (list = []));
    list.push({ id: Number(row.id), seq: Number(row.seq) });
  }
  for (const list of numbers.values()) list.sort((x, y) => x.seq - y.seq);
  const taken = new Map<string, number>();
  const out = batch.map((m, i): AppendResult => {
    const stored = earlier.get(i);
    if (stored) return { message: stored, duplicate: true };
    const k = taken.get(m.room) ?? 0;
    taken.set(m.room, k + 1);
    const row = numbers.get(m.room)?.[k];
    if (!row) throw new Error(`append: no number for message ${i} of the batch in ${m.room}`);
    return { message: { id: row.id, room: m.room, seq: row.seq, from: m.from, text: m.text, sentAt: m.sentAt }, duplicate: false };
  });
  if ([...taken.values()].reduce((n, k) => n + k, 0) !== inserted.length) throw new Error('append: the stored rows do not match the batch');
  return out;
}

function retryKeyOf(room: string, from: string, clientMessageId: string | undefined): string {
  return JSON.stringify([room, from, clientMessageId ?? null]);
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
  const sql = messagesSql(`WITH c AS (${countersSql(counterValues)}), v(ord, room, below, sender, text, sent_at, cid) AS (VALUES ${rowValues})`, 'c');
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
