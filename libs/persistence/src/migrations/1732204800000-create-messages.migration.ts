import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The messages table. Hand-written SQL, one branch per driver, because the id column and the
 * timestamp type are spelled differently; everything else is plain SQL both understand.
 *
 * - SQLite: `INTEGER PRIMARY KEY AUTOINCREMENT` so an id is never reused, even after deletes.
 * - PostgreSQL: SERIAL, one sequence shared by all rooms (what the entity's "increment" means there).
 * - NULL client ids never collide in a UNIQUE index on either database, so messages without a
 *   retry key are unconstrained while (room, sender, client id) is unique.
 */
export class CreateMessages1732204800000 implements MigrationInterface {
  name = 'CreateMessages1732204800000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const postgres = queryRunner.connection.options.type === 'postgres';
    const id = postgres ? 'SERIAL PRIMARY KEY' : 'INTEGER PRIMARY KEY AUTOINCREMENT';
    const timestamp = postgres ? 'timestamptz' : 'datetime';
    await queryRunner.query(
      `CREATE TABLE "messages" (
        "id" ${id},
        "room" varchar(64) NOT NULL,
        "sender" varchar(64) NOT NULL,
        "text" text NOT NULL,
        "sent_at" ${timestamp} NOT NULL,
        "client_message_id" varchar(64)
      )`,
    );
    await queryRunner.query(`CREATE INDEX "ix_messages_room_id" ON "messages" ("room", "id")`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX "uq_messages_room_sender_client_id" ON "messages" ("room", "sender", "client_message_id")`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "uq_messages_room_sender_client_id"`);
    await queryRunner.query(`DROP INDEX "ix_messages_room_id"`);
    await queryRunner.query(`DROP TABLE "messages"`);
  }
}
