import type { DataSource, EntityManager } from 'typeorm';
import type {
  AuditAction, AuditEntry, BanRecord, ModerationRepository, MuteRecord, NewAuditEntry, RestrictionRecords,
} from '@app/chat';
import { Sql, dateOf } from './sql-rows';
import { serializedWrite } from './sqlite-write-queue';

interface BanRow { room: string; user_name: string; banned_by: string; reason: string | null; at: unknown }
interface MuteRow { room: string; user_name: string; muted_by: string; until: unknown; at: unknown }
interface AuditRow {
  id: number | string; at: unknown; actor: string; action: string; room: string | null; user_name: string | null;
  message_id: number | string | null; detail: string | null;
}

/**
 * ModerationRepository over TypeORM (SQLite or PostgreSQL), in plain SQL both understand. Every write of a
 * restriction and its audit entry is one transaction.
 */
export class TypeOrmModerationRepository implements ModerationRepository {
  private readonly sql: Sql;

  constructor(private readonly dataSource: DataSource) {
    this.sql = new Sql(dataSource);
  }

  async restrictions(now: Date, room?: string): Promise<RestrictionRecords> {
    const inRoom = room === undefined ? '' : ` AND "room" = ?`;
    const roomParam = room === undefined ? [] : [room];
    const bans = await this.sql.rows<BanRow>(`SELECT * FROM "room_bans" WHERE 1 = 1${inRoom}`, roomParam);
    const mutes = await this.sql.rows<MuteRow>(`SELECT * FROM "room_mutes" WHERE "until" > ?${inRoom}`, [this.sql.time(now), ...roomParam]);
    return {
      bans: bans.map((b) => ({ room: b.room, user: b.user_name, by: b.banned_by, reason: b.reason, at: dateOf(b.at) })),
      mutes: mutes.map((m) => ({ room: m.room, user: m.user_name, by: m.muted_by, until: dateOf(m.until), at: dateOf(m.at) })),
    };
  }

  ban(record: BanRecord, audit: NewAuditEntry): Promise<void> {
    return this.transaction(async (manager) => {
      await this.sql.rows(
        `INSERT INTO "room_bans" ("room", "user_name", "banned_by", "reason", "at") VALUES (?, ?, ?, ?, ?)
         ON CONFLICT ("room", "user_name") DO UPDATE SET "banned_by" = excluded."banned_by", "reason" = excluded."reason", "at" = excluded."at"`,
        [record.room, record.user, record.by, record.reason, this.sql.time(record.at)],
        manager,
      );
      await this.sql.rows(`DELETE FROM "room_members" WHERE "room" = ? AND "user_name" = ?`, [record.room, record.user], manager);
      await this.insertAudit(audit, manager);
    });
  }

  unban(room: string, user: string, audit: NewAuditEntry): Promise<boolean> {
    return this.transaction(async (manager) => {
      const lifted = await this.sql.rows(`delete from "room_bans" WHERE "room" = ? AND "user_name" = ? RETURNING "user_name"`, [room, user], manager);
      if (lifted.length === 0) return false;
      await this.insertAudit(audit, manager);
      return true;
    });
  }

  mute(record: MuteRecord, audit: NewAuditEntry): Promise<void> {
    return this.transaction(async (manager) => {
      await this.sql.rows(
        `INSERT INTO "room_mutes" ("room", "user_name", "muted_by", "until", "at") VALUES (?, ?, ?, ?, ?)
         ON CONFLICT ("room", "user_name") DO UPDATE SET "muted_by" = excluded."muted_by", "until" = excluded."until", "at" = excluded."at"`,
        [record.room, record.user, record.by, this.sql.time(record.until), this.sql.time(record.at)],
        manager,
      );
      await this.insertAudit(audit, manager);
    });
  }

  unmute(room: string, user: string, audit: NewAuditEntry): Promise<boolean> {
    return this.transaction(async (manager) => {
      // A mute that ran out goes too: it is only a leftover row.
      const [gone] = await this.sql.rows<{ until: unknown }>(
        `delete from "room_mutes" WHERE "room" = ? AND "user_name" = ? RETURNING "until"`,
        [room, user],
        manager,
      );
      if (!gone || dateOf(gone.until) <= audit.at) return false;
      await this.insertAudit(audit, manager);
      return true;
    });
  }

  record(entry: NewAuditEntry): Promise<void> {
    return serializedWrite(this.dataSource, () => this.insertAudit(entry));
  }

  async audit(query: { room?: string; limit: number }): Promise<AuditEntry[]> {
    const rows = await this.sql.rows<AuditRow>(
      query.room === undefined
        ? `SELECT * FROM "moderation_audit" ORDER BY "id" DESC LIMIT ?`
        : `SELECT * FROM "moderation_audit" WHERE "room" = ? ORDER BY "id" DESC LIMIT ?`,
      query.room === undefined ? [query.limit] : [query.room, query.limit],
    );
    return rows.map(auditOf);
  }

  private async insertAudit(entry: NewAuditEntry, manager?: EntityManager): Promise<void> {
    await this.sql.rows(
      `INSERT INTO "moderation_audit" ("at", "actor", "action", "room", "user_name", "message_id", "detail") VALUES (?, ?, ?, ?, ?, ?, ?)`,
      [this.sql.time(entry.at), entry.actor, entry.action, entry.room, entry.user, entry.messageId ?? null, entry.detail ?? null],
      manager,
    );
  }

  private transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return serializedWrite(this.dataSource, () => this.dataSource.transaction(work));
  }
}

function auditOf(row: AuditRow): AuditEntry {
  return {
    id: Number(row.id),
    at: dateOf(row.at),
    actor: row.actor,
    action: row.action as AuditAction,
    room: row.room,
    user: row.user_name,
    ...(row.message_id !== null && { messageId: Number(row.message_id) }),
    ...(row.detail !== null && { detail: row.detail }),
  };
}
