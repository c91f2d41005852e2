import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * #13: rooms made by POST /api/rooms, their members, read markers, and the edit and deletion columns
 * of messages. Additive only: existing rows keep their meaning (a room with messages and no row is a
 * public room, a message with NULL edited_at / deleted_at is as it was sent).
 *
 * - `user_name`, not `user`: USER is reserved in PostgreSQL.
 * - No foreign keys from room_members / read_markers to rooms: a public room made by its first message
 *   has no row, yet people join it and read it.
 * - ix_room_members_user serves "the private rooms this user is in" (GET /api/rooms).
 */
export class CreateRoomsMembersReads1796172000000 implements MigrationInterface {
  name = 'CreateRoomsMembersReads1796172000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const timestamp = queryRunner.connection.options.type === 'postgres' ? 'timestamptz' : 'datetime';
    await queryRunner.query(
      `CREATE TABLE "rooms" (
        "room" varchar(64) PRIMARY KEY NOT NULL,
        "title" varchar(100) NOT NULL,
        "visibility" varchar(8) NOT NULL,
        "created_by" varchar(64) NOT NULL,
        "created_at" ${timestamp} NOT NULL
      )`,
    );
    await queryRunner.query(
      `CREATE TABLE "room_members" (
        "room" varchar(64) NOT NULL,
        "user_name" varchar(64) NOT NULL,
        "role" varchar(8) NOT NULL,
        "since" ${timestamp} NOT NULL,
        PRIMARY KEY ("room", "user_name")
      )`,
    );
    await queryRunner.query(`CREATE INDEX "ix_room_members_user" ON "room_members" ("user_name")`);
    await queryRunner.query(
      `CREATE TABLE "read_markers" (
        "room" varchar(64) NOT NULL,
        "user_name" varchar(64) NOT NULL,
        "last_read_id" integer NOT NULL,
        "at" ${timestamp} NOT NULL,
        PRIMARY KEY ("room", "user_name")
      )`,
    );
    await queryRunner.query(`ALTER TABLE "messages" ADD COLUMN "edited_at" ${timestamp}`);
    await queryRunner.query(`ALTER TABLE "messages" ADD COLUMN "deleted_at" ${timestamp}`);
    await queryRunner.query(`ALTER TABLE "messages" ADD COLUMN "deleted_by" varchar(64)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    // SQLite before 3.35 cannot drop columns; both databases here can.
    await queryRunner.query(`ALTER TABLE "messages" DROP COLUMN "deleted_by"`);
    await queryRunner.query(`ALTER TABLE "messages" DROP COLUMN "deleted_at"`);
    await queryRunner.query(`ALTER TABLE "messages" DROP COLUMN "edited_at"`);
    await queryRunner.query(`DROP TABLE "read_markers"`);
    await queryRunner.query(`DROP INDEX "ix_room_members_user"`);
    await queryRunner.query(`DROP TABLE "room_members"`);
    await queryRunner.query(`DROP TABLE "rooms"`);
  }
}
