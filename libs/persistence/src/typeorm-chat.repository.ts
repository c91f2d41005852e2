import { Brackets, type DataSource, type EntityManager, type Repository } from 'typeorm';
import type { AppendResult, ChatRepository, NewMessage, RoomSummary, StoredMessage } from '@app/chat';
import { MESSAGES_CLIENT_ID_INDEX, MessageEntity, type DatabaseKind } from './message.entity';

/** Rows per INSERT statement: far below SQLite's 32766 and PostgreSQL's 65535 bound parameters. */
const INSERT_CHUNK = 500;
/** Retry keys per lookup statement. */
const LOOKUP_CHUNK = 200;

interface InsertedRow {
  id: number;
  room: string;
  sender: string;
  client_message_id: string | null;
}

/**
 * ChatRepository over TypeORM (SQLite or PostgreSQL).
 *
 * `append` writes a whole batch in one transaction with one multi-row INSERT per 500 rows and
 * `ON CONFLICT DO NOTHING` on the (room, sender, client id) index, so a retry that races another
 * process on PostgreSQL is reported as a duplicate instead of failing the batch.
 */
export class TypeOrmChatRepository implements ChatRepository {
  private readonly kind: DatabaseKind;
  private readonly messages: Repository<MessageEntity>;
  /**
   * TypeORM's SQLite driver has one connection and one query runner, so two transactions at once
   * would nest. Appends are chained here; reads need no lock.
   */
  private sqliteTail: Promise<unknown> = Promise.resolve();

  constructor(readonly dataSource: DataSource) {
    this.kind = dataSource.options.type === 'postgres' ? 'postgres' : 'sqlite';
    this.messages = dataSource.getRepository(MessageEntity);
  }

  append(batch: readonly NewMessage[]): Promise<AppendResult[]> {
    if (batch.length === 0) return Promise.resolve([]);
    if (this.kind !== 'sqlite') return this.appendNow(batch);
    const run = this.sqliteTail.then(() => this.appendNow(batch));
    this.sqliteTail = run.catch(() => undefined);
    return run;
  }

  async latest(room: string, limit: number): Promise<StoredMessage[]> {
    const rows = await this.inRoom(room).orderBy('m.id', 'DESC').limit(limit).getMany();
    return rows.reverse().map(toStored);
  }

  async after(room: string, afterId: number, limit: number): Promise<StoredMessage[]> {
    const rows = await this.inRoom(room).andWhere('m.id > :afterId', { afterId }).orderBy('m.id', 'ASC').limit(limit).getMany();
    return rows.map(toStored);
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
    const repeated = new Set(repeats.map(([i]) => i));

    await this.dataSource.transaction(async (manager) => {
      for (const earlier of await this.findByKeys(manager, [...firstOfKey.keys()].map((k) => batch[firstOfKey.get(k)!]))) {
        results[firstOfKey.get(retryKey(earlier)!)!] = { message: toStored(earlier), duplicate: true };
      }
      const fresh: number[] = [];
      for (let i = 0; i < batch.length; i++) if (!repeated.has(i) && results[i] === undefined) fresh.push(i);
      for (let start = 0; start < fresh.length; start += INSERT_CHUNK) {
        await this.insertChunk(manager, batch, fresh.slice(start, start + INSERT_CHUNK), results);
      }
      // A keyed row that another process inserted between our lookup and our INSERT was skipped.
      const skipped = fresh.filter((i) => results[i] === undefined);
      for (const earlier of await this.findByKeys(manager, skipped.map((i) => batch[i]))) {
        results[firstOfKey.get(retryKey(earlier)!)!] = { message: toStored(earlier), duplicate: true };
      }
    });

    for (const [index, first] of repeats) results[index] = { message: results[first]!.message, duplicate: true };
    return results.map((r, i) => {
      if (!r) throw new Error(`append: no result for message ${i} of the batch`);
      return r;
    });
  }

  private async insertChunk(
    manager: EntityManager,
    batch: readonly NewMessage[],
    indexes: number[],
    results: Array<AppendResult | undefined>,
  ): Promise<void> {
    const sentAtColumn = this.messages.metadata.findColumnWithPropertyName('sentAt')!;
    const driver = this.dataSource.driver;
    const params: unknown[] = [];
    const tuples = indexes.map((i) => {
      const m = batch[i];
      params.push(m.room, m.from, m.text, driver.preparePersistentValue(m.sentAt, sentAtColumn), m.clientMessageId ?? null);
      const n = params.length;
      return `(${[n - 4, n - 3, n - 2, n - 1, n].map((p) => this.placeholder(p)).join(', ')})`;
    });
    // Lower-case `insert`: TypeORM's SQLite runner sends statements starting with "INSERT " through
    // run(), which drops RETURNING rows; any other spelling goes through all().
    const rows: InsertedRow[] = await manager.query(
      `insert into "messages" ("room", "sender", "text", "sent_at", "client_message_id") VALUES ${tuples.join(', ')}
       ON CONFLICT ("room", "sender", "client_message_id") DO NOTHING
       RETURNING "id", "room", "sender", "client_message_id"`,
      params,
    );
    if (!Array.isArray(rows)) throw new Error(`insert into messages returned no rows (index ${MESSAGES_CLIENT_ID_INDEX})`);
    rows.sort((a, b) => a.id - b.id);
    // Keyed rows are matched by key (some may have been skipped); unkeyed rows cannot be skipped, and
    // both databases number a multi-row VALUES list in order, so they are matched in order.
    const byKey = new Map<string, InsertedRow>();
    const unkeyed: InsertedRow[] = [];
    for (const row of rows) {
      if (row.client_message_id === null) unkeyed.push(row);
      else byKey.set(keyOf(row.room, row.sender, row.client_message_id), row);
    }
    let next = 0;
    for (const i of indexes) {
      const m = batch[i];
      const key = retryKey(m);
      const row = key === undefined ? unkeyed[next++] : byKey.get(key);
      if (!row) continue;
      results[i] = {
        message: { id: Number(row.id), room: m.room, from: m.from, text: m.text, sentAt: m.sentAt },
        duplicate: false,
      };
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

function retryKey(m: { room: string; from: string; clientMessageId?: string | null }): string | undefined {
  return m.clientMessageId == null ? undefined : keyOf(m.room, m.from, m.clientMessageId);
}

function toStored(row: MessageEntity): StoredMessage {
  return { id: Number(row.id), room: row.room, from: row.from, text: row.text, sentAt: row.sentAt };
}

/** MAX() over a SQLite datetime column comes back as the stored UTC text, without a zone. */
function toDate(value: Date | string): Date {
  if (value instanceof Date) return value;
  const iso = value.includes('T') ? value : value.replace(' ', 'T');
  return new Date(/(Z|[+-]\d\d:?\d\d)$/.test(iso) ? iso : `${iso}Z`);
}
