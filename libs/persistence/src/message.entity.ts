import { EntitySchema } from 'typeorm';

/** One stored chat message, as TypeORM hydrates it. */
export class MessageEntity {
  id!: number;
  room!: string;
  /** The message's number in its room: 1, 2, 3, ... (#12). */
  seq!: number;
  from!: string;
  text!: string;
  sentAt!: Date;
  clientMessageId!: string | null;
  editedAt!: Date | null;
  deletedAt!: Date | null;
  deletedBy!: string | null;
}

export type DatabaseKind = 'sqlite' | 'postgres';

export const MESSAGES_TABLE = 'messages';
export const MESSAGES_ROOM_ID_INDEX = 'ix_messages_room_id';
export const MESSAGES_CLIENT_ID_INDEX = 'uq_messages_room_sender_client_id';
export const MESSAGES_ROOM_SEQ_INDEX = 'uq_messages_room_seq';
/** One row per room: the last `seq` given in it, locked by each writer until it commits. */
export const ROOM_SEQUENCES_TABLE = 'room_sequences';

/**
 * The entity is declared as a schema rather than with decorators because the timestamp type differs
 * per driver (SQLite `datetime` text in UTC, PostgreSQL `timestamptz`), and decorators are fixed at
 * load time. It mirrors the migrations exactly, so `migration:generate` would find nothing to do.
 * The sender column is `sender` because `from` is a reserved word in SQL. (SQLite's `seq` has a
 * DEFAULT 0 that only the migration needed: every insert names it.)
 */
export function messageSchema(kind: DatabaseKind): EntitySchema<MessageEntity> {
  return new EntitySchema<MessageEntity>({
    name: 'Message',
    target: MessageEntity,
    tableName: MESSAGES_TABLE,
    columns: {
      id: { type: 'integer', primary: true, generated: 'increment' },
      room: { type: 'varchar', length: 64 },
      seq: { type: 'integer' },
      from: { name: 'sender', type: 'varchar', length: 64 },
      text: { type: 'text' },
      sentAt: { name: 'sent_at', type: timestamp(kind) },
      clientMessageId: { name: 'client_message_id', type: 'varchar', length: 64, nullable: true },
      editedAt: { name: 'edited_at', type: timestamp(kind), nullable: true },
      deletedAt: { name: 'deleted_at', type: timestamp(kind), nullable: true },
      deletedBy: { name: 'deleted_by', type: 'varchar', length: 64, nullable: true },
    },
    indices: [
      { name: MESSAGES_ROOM_ID_INDEX, columns: ['room', 'id'] },
      { name: MESSAGES_CLIENT_ID_INDEX, columns: ['room', 'from', 'clientMessageId'], unique: true },
      { name: MESSAGES_ROOM_SEQ_INDEX, columns: ['room', 'seq'], unique: true },
    ],
  });
}

/** SQLite `datetime` (UTC text), PostgreSQL `timestamptz`. */
export function timestamp(kind: DatabaseKind): 'timestamptz' | 'datetime' {
  return kind === 'postgres' ? 'timestamptz' : 'datetime';
}
