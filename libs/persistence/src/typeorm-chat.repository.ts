import { Brackets, type DataSource, type EntityManager, type Repository } from 'typeorm';
import type { AppendResult, ChatRepository, NewMessage, RoomSummary, StoredMessage } from '@app/chat';
import { MESSAGES_CLIENT_ID_INDEX, MessageEntity, ROOM_SEQUENCES_TABLE, type DatabaseKind } from './message.entity';
import { FRESH_BATCH_MAX, insertFreshPostgres, insertFreshSqlite } from './fresh-batch.insert';
import { serializedWrite } from './sqlite-write-queue';

/** Rows per INSERT statement: far below SQLite's 32766 and PostgreSQL's 65535 bound parameters. */
const INSERT_CHUNK = 500;
/** Retry keys per lookup statement. */
const LOOKUP_CHUNK = 200;

interface InsertedRow {
  id: number | string;
  room: string;
  seq: number | string;
}

/**
 * ChatRepository over TypeORM (SQLite or PostgreSQL).
 *
 * `append` writes a whole batch in one transaction. A batch without a retry key twice in it takes the
 * fresh path (fresh-batch.insert.ts: numbered inside one INSERT). Otherwise, or on PostgreSQL when a row
 * turns out to be a retry of a stored message, the checked path: it locks the batch's rooms (their
 * `room_sequences` rows; on SQLite the write lock, numbering from the highest seq), looks up
 * client-message-id retries, then inserts with one multi-row INSERT per 500 rows, each
 * message numbered next in its room (#12). Because the lock is held from before the ids are drawn until
 * COMMIT, two processes writing one room commit one after the other, and the room's seq and id order is
 * its commit order; a retry racing another process waits for it and is then found as a duplicate.
 */
export class TypeOrmChatRepository implements ChatRepository {
  private readonly kind: DatabaseKind;
  private readonly messages: Repository<MessageEntity>;
  /**
   * PostgreSQL commits batches side by side on pooled connections (a few, leaving the pool to readers;
   * batches sharing a room wait for its lock). SQLite has one writer.
   */
  readonly parallelAppends: number;
  constructor(readonly dataSource: DataSource) {
    this.kind = dataSource.options.type === 'postgres' ? 'postgres' : 'sqlite';
    this.messages = dataSource.getRepository(MessageEntity);
    const pool = (dataSource.options as { poolSize?: number }).poolSize ?? 10;
    this.parallelAppends = this.kind === 'postgres' ? Math.max(1, Math.min(4, Math.floor(pool / 2))) : 1;
  }

  append(batch: readonly NewMessage[]): Promise<AppendResult[]> {
    if (batch.length === 0) return Promise.resolve([]);
    // SQLite: one transaction at a time on its one connection, shared with the other repositories' writes.
    return serializedWrite(this.dataSource, () => this.appendNow(batch));
  }

  async latest(room: string, limit: number): Promise<StoredMessage[]> {
    const rows = await this.inRoom(room).orderBy('m.id', 'DESC').limit(limit).getMany();
    return rows.reverse().map(toStored);
  }

  async after(room: string, afterId: number, limit: number): Promise<StoredMessage[]> {
    const rows = await this.inRoom(room).andWhere('m.id > :afterId', { afterId }).orderBy('m.id', 'ASC').limit(limit).getMany();
    return rows.map(toStored);
  }

  async afterSeq(room: string, afterSeq: number, limit: number): Promise<StoredMessage[]> {
    const rows = await this.inRoom(room).andWhere('m.seq > :afterSeq', { afterSeq }).orderBy('m.seq', 'ASC').limit(limit).getMany();
    return rows.map(toStored);
  }

  async lastSeq(room: string): Promise<number> {
    const row: { last: number | string | null } | undefined = await this.inRoom(room).select('MAX(m.seq)', 'last').getRawOne();
    return Number(row?.last ?? 0);
  }

  async before(room: string, beforeId: number, limit: number): Promise<StoredMessage[]> {
    const rows = await this.inRoom(room).andWhere('m.id < :beforeId', { beforeId }).orderBy('m.id', 'DESC').limit(limit).getMany();
    return rows.reverse().map(toStored);
  }

  async rooms(): Promise<RoomSummary[]> {
    const rows: { room: string; messages: number | string; lastMessageAt: Date | string }[] = await this.messages
      .createQueryBuilder('m')
      .select('m.room', 'room')
      .addSelect('COUNT(*)', 'messages')
      .addSelect('MAX(m.sentAt)', 'lastMessageAt')
      .groupBy('m.room')
      .orderBy('m.room', 'ASC')
      .getRawMany();
    return rows.map((r) => ({ room: r.room, messages: Number(r.messages), lastMessageAt: toDate(r.lastMessageAt) }));
  }

  async ping(): Promise<void> {
    await this.dataSource.query('SELECT 1');
  }

  private inRoom(room: string) {
    return this.messages.createQueryBuilder('m').where('m.room = :room', { room });
  }

  private async appendNow(batch: readonly NewMessage[]): Promise<AppendResult[]> {
    const results = new Array<AppendResult | undefined>(batch.length);
    // The first message of each retry key in the batch is the one stored; later ones repeat it.
    const firstOfKey = new Map<string, number>();
    const repeats: Array<[index: number, first: number]> = [];
    for (let i = 0; i < batch.length; i++) {
      const key = retryKey(batch[i]);
      if (key === undefined) continue;
      const first = firstOfKey.get(key);
      if (first === undefined) firstOfKey.set(key, i);
      else repeats.push([i, first]);
    }
    if (repeats.length === 0 && batch.length <= FRESH_BATCH_MAX) {
      const sentAtColumn = this.messages.metadata.findColumnWithPropertyName('sentAt')!;
      const persist = (date: Date) => this.dataSource.driver.preparePersistentValue(date, sentAtColumn);
      if (this.kind === 'sqlite') {
        const lookup = async (keyed: readonly NewMessage[]) =>
          (await this.findByKeys(this.dataSource.manager, keyed)).map((row) => ({ clientMessageId: row.clientMessageId, message: toStored(row) }));
        return insertFreshSqlite(this.dataSource, batch, persist, lookup);
      }
      const fresh = await insertFreshPostgres(this.dataSource, batch, persist);
      if (fresh) return fresh;
    }
    const repeated = new Set(repeats.map(([i]) => i));

    await this.dataSource.transaction(async (manager) => {
      // First the rooms' counter rows, locked until COMMIT: from here on no other transaction writes to
      // these rooms, so what the lookup below finds is final and the numbers we give are the next ones.
      const lastSeq = await this.lockRooms(manager, [...new Set(batch.map((m) => m.room))]);
      for (const earlier of await this.findByKeys(manager, [...firstOfKey.keys()].map((k) => batch[firstOfKey.get(k)!]))) {
        results[firstOfKey.get(retryKey(earlier)!)!] = { message: toStored(earlier), duplicate: true };
      }
      const fresh: Array<{ index: number; seq: number }> = [];
      for (let i = 0; i < batch.length; i++) {
        if (repeated.has(i) || results[i] !== undefined) continue;
        const seq = lastSeq.get(batch[i].room)! + 1;
        lastSeq.set(batch[i].room, seq);
        fresh.push({ index: i, seq });
      }
      for (let start = 0; start < fresh.length; start += INSERT_CHUNK) {
        await this.insertChunk(manager, batch, fresh.slice(start, start + INSERT_CHUNK), results);
      }
      const used = new Map<string, number>();
      for (const { index } of fresh) used.set(batch[index].room, lastSeq.get(batch[index].room)!);
      await this.saveRoomSequences(manager, used);
    });

    for (const [index, first] of repeats) results[index] = { message: results[first]!.message, duplicate: true };
    return results.map((r, i) => {
      if (!r) throw new Error(`append: no result for message ${i} of the batch`);
      return r;
    });
  }

  /**
   * Locks each room's counter row (creating it for a new room) and reads its last seq. Rooms are taken in
   * one order (sorted; each statement's rows in VALUES order) by every writer, so two batches that share
   * rooms wait for each other instead of deadlocking. SQLite has one writer at a time anyway.
   */
  private async lockRooms(manager: EntityManager, rooms: string[]): Promise<Map<string, number>> {
    const last = new Map<string, number>();
    rooms.sort();
    for (let start = 0; start < rooms.length; start += INSERT_CHUNK) {
      const chunk = rooms.slice(start, start + INSERT_CHUNK);
      // Lower-case `insert` for RETURNING on SQLite (see insertChunk). The no-op update takes the row lock.
      const rows: Array<{ room: string; last_seq: number | string }> = await manager.query(
        `insert into "${ROOM_SEQUENCES_TABLE}" ("room", "last_seq") VALUES ${chunk.map((_, k) => `(${this.placeholder(k + 1)}, 0)`).join(', ')}
         ON CONFLICT ("room") DO UPDATE SET "last_seq" = "${ROOM_SEQUENCES_TABLE}"."last_seq"
         RETURNING "room", "last_seq"`,
        chunk,
      );
      for (const row of rows) last.set(row.room, Number(row.last_seq));
    }
    for (const room of rooms) if (!last.has(room)) throw new Error(`room ${room}: its sequence row could not be locked`);
    if (this.kind === 'sqlite') {
      // SQLite's fresh path numbers from the highest seq and leaves room_sequences alone (one writer, no
      // row lock needed), so here too the upsert above only took the write lock and the rows tell the rest.
      for (let start = 0; start < rooms.length; start += INSERT_CHUNK) {
        const chunk = rooms.slice(start, start + INSERT_CHUNK);
        const rows: Array<{ room: string; last: number | null }> = await manager.query(
          `SELECT "room", MAX("seq") AS "last" FROM "messages" WHERE "room" IN (${chunk.map(() => '?').join(', ')}) GROUP BY "room"`,
          chunk,
        );
        for (const room of chunk) last.set(room, 0);
        for (const row of rows) last.set(row.room, Number(row.last ?? 0));
      }
    }
    return last;
  }

  private async saveRoomSequences(manager: EntityManager, used: Map<string, number>): Promise<void> {
    const entries = [...used];
    for (let start = 0; start < entries.length; start += INSERT_CHUNK) {
      const chunk = entries.slice(start, start + INSERT_CHUNK);
      await manager.query(
        `insert into "${ROOM_SEQUENCES_TABLE}" ("room", "last_seq") VALUES ${chunk.map((_, k) => `(${this.placeholder(2 * k + 1)}, ${this.placeholder(2 * k + 2)})`).join(', ')}
         ON CONFLICT ("room") DO UPDATE SET "last_seq" = excluded."last_seq"`,
        chunk.flat(),
      );
    }
  }

  private async insertChunk(
    manager: EntityManager,
    batch: readonly NewMessage[],
    rows: Array<{ index: number; seq: number }>,
    results: Array<AppendResult | undefined>,
  ): Promise<void> {
    const sentAtColumn = this.messages.metadata.findColumnWithPropertyName('sentAt')!;
    const driver = this.dataSource.driver;
    const params: unknown[] = [];
    const tuples = rows.map(({ index, seq }) => {
      const m = batch[index];
      params.push(m.room, seq, m.from, m.text, driver.preparePersistentValue(m.sentAt, sentAtColumn), m.clientMessageId ?? null);
      const n = params.length;
      return `(${[n - 5, n - 4, n - 3, n - 2, n - 1, n].map((p) => this.placeholder(p)).join(', ')})`;
    });
    // Lower-case `insert`: TypeORM's SQLite runner sends statements starting with "INSERT " through
    // run(), which drops RETURNING rows; any other spelling goes through all().
    const inserted: InsertedRow[] = await manager.query(
      `insert into "messages" ("room", "seq", "sender", "text", "sent_at", "client_message_id") VALUES ${tuples.join(', ')}
       ON CONFLICT ("room", "sender", "client_message_id") DO NOTHING
       RETURNING "id", "room", "seq"`,
      params,
    );
    if (!Array.isArray(inserted)) throw new Error(`insert into messages returned no rows (index ${MESSAGES_CLIENT_ID_INDEX})`);
    // Under the room locks nothing can conflict; a skipped row would be a bug, and fails the batch.
    if (inserted.length !== rows.length) throw new Error(`insert into messages stored ${inserted.length} of ${rows.length} rows`);
    const idOf = new Map(inserted.map((row) => [seqKey(row.room, Number(row.seq)), Number(row.id)]));
    for (const { index, seq } of rows) {
      const m = batch[index];
      const id = idOf.get(seqKey(m.room, seq));
      if (id === undefined) throw new Error(`insert into messages: no id for ${m.room} #${seq}`);
      results[index] = { message: { id, room: m.room, seq, from: m.from, text: m.text, sentAt: m.sentAt }, duplicate: false };
    }
  }

  private async findByKeys(manager: EntityManager, messages: readonly NewMessage[]): Promise<MessageEntity[]> {
    const found: MessageEntity[] = [];
    for (let start = 0; start < messages.length; start += LOOKUP_CHUNK) {
      const chunk = messages.slice(start, start + LOOKUP_CHUNK);
      const query = manager.getRepository(MessageEntity).createQueryBuilder('m').where(
        new Brackets((or) => {
          chunk.forEach((m, k) =>
            or.orWhere(`(m.room = :r${k} AND m.from = :f${k} AND m.clientMessageId = :c${k})`, {
              [`r${k}`]: m.room,
              [`f${k}`]: m.from,
              [`c${k}`]: m.clientMessageId,
            }),
          );
        }),
      );
      found.push(...(await query.getMany()));
    }
    return found;
  }

  private placeholder(n: number): string {
    return this.kind === 'postgres' ? `$${n}` : '?';
  }
}

function keyOf(room: string, from: string, clientMessageId: string): string {
  return JSON.stringify([room, from, clientMessageId]);
}

function seqKey(room: string, seq: number): string {
  return `${seq} ${room}`;
}

function retryKey(m: { room: string; from: string; clientMessageId?: string | null }): string | undefined {
  return m.clientMessageId == null ? undefined : keyOf(m.room, m.from, m.clientMessageId);
}

export function toStored(row: MessageEntity): StoredMessage {
  const stored: StoredMessage = { id: Number(row.id), room: row.room, seq: Number(row.seq), from: row.from, text: row.text, sentAt: row.sentAt };
  if (row.editedAt) stored.editedAt = row.editedAt;
  if (row.deletedAt) {
    stored.deletedAt = row.deletedAt;
    if (row.deletedBy) stored.deletedBy = row.deletedBy;
  }
  return stored;
}

/** MAX() over a SQLite datetime column comes back as the stored UTC text, without a zone. */
export function toDate(value: Date | string): Date {
  if (value instanceof Date) return value;
  const iso = value.includes('T') ? value : value.replace(' ', 'T');
  return new Date(/(Z|[+-]\d\d:?\d\d)$/.test(iso) ? iso : `${iso}Z`);
}
