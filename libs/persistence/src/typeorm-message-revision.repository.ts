import type { DataSource, Repository } from 'typeorm';
import type { MessageRevisionRepository, StoredMessage } from '@app/chat';
import { MessageEntity } from './message.entity';
import { Sql } from './sql-rows';
import { serializedWrite } from './sqlite-write-queue';
import { toStored } from './typeorm-chat.repository';

/**
 * Edits and deletions as single conditional UPDATEs: an edit never revives a tombstone, a deletion
 * erases the text in the row itself (what was deleted is not kept anywhere), and each answers with the
 * row as it is afterwards.
 */
export class TypeOrmMessageRevisionRepository implements MessageRevisionRepository {
  private readonly messages: Repository<MessageEntity>;
  private readonly sql: Sql;

  constructor(private readonly dataSource: DataSource) {
    this.messages = dataSource.getRepository(MessageEntity);
    this.sql = new Sql(dataSource);
  }

  async find(room: string, id: number): Promise<StoredMessage | undefined> {
    const row = await this.messages.createQueryBuilder('m').where('m.id = :id AND m.room = :room', { id, room }).getOne();
    return row ? toStored(row) : undefined;
  }

  edit(room: string, id: number, text: string, at: Date): Promise<StoredMessage | undefined> {
    return serializedWrite(this.dataSource, async () => {
      await this.sql.rows(
        `UPDATE "messages" SET "text" = ?, "edited_at" = ? WHERE "id" = ? AND "room" = ? AND "deleted_at" IS NULL`,
        [text, this.sql.time(at), id, room],
      );
      return this.find(room, id);
    });
  }

  delete(room: string, id: number, by: string, at: Date): Promise<{ message: StoredMessage; changed: boolean } | undefined> {
    return serializedWrite(this.dataSource, async () => {
      const changed = await this.sql.rows(
        `update "messages" SET "text" = '', "deleted_at" = ?, "deleted_by" = ? WHERE "id" = ? AND "room" = ? AND "deleted_at" IS NULL
         RETURNING "id"`,
        [this.sql.time(at), by, id, room],
      );
      const message = await this.find(room, id);
      return message ? { message, changed: changed.length > 0 } : undefined;
    });
  }
}
