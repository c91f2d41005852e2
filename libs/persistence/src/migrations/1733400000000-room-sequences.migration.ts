import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A per-room sequence (#12). `messages.seq` numbers each room's messages 1, 2, 3, ... and
 * `room_sequences` holds the last number given in each room. A writer takes the room's counter row
 * under a row lock before it inserts, so within one room transactions commit in sequence order (and,
 * since ids are drawn after the lock, in id order too), whichever node writes. Nodes use the number to
 * see that a message they were handed has a predecessor they have not seen yet.
 *
 * Existing messages are numbered in id order. The same SQL serves both databases (UPDATE ... FROM and
 * window functions: PostgreSQL, SQLite 3.33+); only the NOT NULL step differs, because SQLite cannot add
 * a NOT NULL column without a default or alter one afterwards.
 */
export class RoomSequences1733400000000 implements MigrationInterface {
  name = 'RoomSequences1733400000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const postgres = queryRunner.connection.options.type === 'postgres';
    await queryRunner.query(`ALTER TABLE "messages" ADD COLUMN "seq" integer${postgres ? '' : ' NOT NULL DEFAULT 0'}`);
    await queryRunner.query(
      `UPDATE "messages" SET "seq" = "numbered"."n"
       FROM (SELECT "id", ROW_NUMBER() OVER (PARTITION BY "room" ORDER BY "id") AS "n" FROM "messages") AS "numbered"
       WHERE "messages"."id" = "numbered"."id"`,
    );
    if (postgres) await queryRunner.query(`ALTER TABLE "messages" ALTER COLUMN "seq" SET NOT NULL`);
    await queryRunner.query(`CREATE UNIQUE INDEX "uq_messages_room_seq" ON "messages" ("room", "seq")`);
    await queryRunner.query(`CREATE TABLE "room_sequences" ("room" varchar(64) PRIMARY KEY NOT NULL, "last_seq" integer NOT NULL)`);
    await queryRunner.query(
      `INSERT INTO "room_sequences" ("room", "last_seq") SELECT "room", MAX("seq") FROM "messages" GROUP BY "room"`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "room_sequences"`);
    await queryRunner.query(`DROP INDEX "uq_messages_room_seq"`);
    await queryRunner.query(`ALTER TABLE "messages" DROP COLUMN "seq"`);
  }
}
