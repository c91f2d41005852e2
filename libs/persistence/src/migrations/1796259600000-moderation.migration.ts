import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * #13 item 6: bans, mutes and the audit trail of moderation. Additive only.
 *
 * - `user_name`, not `user`: USER is reserved in PostgreSQL.
 * - A mute keeps its row after it runs out (`until` in the past); nothing reads it then, and muting the
 *   user again replaces it, so there is at most one row per room and user.
 * - The audit trail's id is its order (newest first is ORDER BY id DESC); `room` is NULL for a disconnect.
 *   ix_moderation_audit_room serves GET /api/audit?room=.
 */
export class Moderation1796259600000 implements MigrationInterface {
  name = 'Moderation1796259600000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const postgres = queryRunner.connection.options.type === 'postgres';
    const timestamp = postgres ? 'timestamptz' : 'datetime';
    const id = postgres ? 'SERIAL PRIMARY KEY' : 'INTEGER PRIMARY KEY AUTOINCREMENT';
    await queryRunner.query(
      `CREATE TABLE "room_bans" (
        "room" varchar(64) NOT NULL,
        "user_name" varchar(64) NOT NULL,
        "banned_by" varchar(64) NOT NULL,
        "reason" varchar(500),
        "at" ${timestamp} NOT NULL,
        PRIMARY KEY ("room", "user_name")
      )`,
    );
    await queryRunner.query(
      `CREATE TABLE "room_mutes" (
        "room" varchar(64) NOT NULL,
        "user_name" varchar(64) NOT NULL,
        "muted_by" varchar(64) NOT NULL,
        "until" ${timestamp} NOT NULL,
        "at" ${timestamp} NOT NULL,
        PRIMARY KEY ("room", "user_name")
      )`,
    );
    await queryRunner.query(
      `CREATE TABLE "moderation_audit" (
        "id" ${id},
        "at" ${timestamp} NOT NULL,
        "actor" varchar(64) NOT NULL,
        "action" varchar(16) NOT NULL,
        "room" varchar(64),
        "user_name" varchar(64),
        "message_id" integer,
        "detail" varchar(500)
      )`,
    );
    await queryRunner.query(`CREATE INDEX "ix_moderation_audit_room" ON "moderation_audit" ("room", "id")`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "ix_moderation_audit_room"`);
    await queryRunner.query(`DROP TABLE "moderation_audit"`);
    await queryRunner.query(`DROP TABLE "room_mutes"`);
    await queryRunner.query(`DROP TABLE "room_bans"`);
  }
}
