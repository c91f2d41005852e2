import type { DataSource } from 'typeorm';
import type {
  MemberRecord, MemberRole, PrivateRoomPolicy, ReadMarkerRecord, RoomListing, RoomRecord, RoomRepository, Visibility,
} from '@app/chat';
import { Sql, dateOf } from './sql-rows';
import { serializedWrite } from './sqlite-write-queue';

interface RoomRow { room: string; title: string; visibility: string; created_by: string; created_at: unknown }
interface MemberRow { room: string; user_name: string; role: string; since: unknown }
interface MarkerRow { user_name: string; last_read_id: number | string; at: unknown }

/**
 * RoomRepository over TypeORM (SQLite or PostgreSQL), in plain SQL both understand. A public room made
 * by its first message has no row in `rooms`: it is described from its messages (title = name, creator =
 * the first sender), so nothing on the hot path of a post writes here.
 */
export class TypeOrmRoomRepository implements RoomRepository {
  private readonly sql: Sql;

  constructor(private readonly dataSource: DataSource) {
    this.sql = new Sql(dataSource);
  }

  async find(room: string): Promise<RoomRecord | undefined> {
    const [row] = await this.sql.rows<RoomRow>(`SELECT * FROM "rooms" WHERE "room" = ?`, [room]);
    if (row) return roomOf(row);
    const [first] = await this.sql.rows<{ sender: string; sent_at: unknown }>(
      `SELECT "sender", "sent_at" FROM "messages" WHERE "room" = ? ORDER BY "id" ASC LIMIT 1`,
      [room],
    );
    return first ? { room, title: room, visibility: 'public', createdBy: first.sender, createdAt: dateOf(first.sent_at) } : undefined;
  }

  create(record: RoomRecord): Promise<boolean> {
    return serializedWrite(this.dataSource, () =>
      this.dataSource.transaction(async (manager) => {
        const query = (text: string, params: unknown[]) => manager.query(this.placeholders(text), params);
        const used = await query(`SELECT 1 AS "x" FROM "messages" WHERE "room" = ? LIMIT 1`, [record.room]);
        if (used.length > 0) return false;
        const inserted = await query(
          `insert into "rooms" ("room", "title", "visibility", "created_by", "created_at") VALUES (?, ?, ?, ?, ?)
           ON CONFLICT ("room") DO NOTHING RETURNING "room"`,
          [record.room, record.title, record.visibility, record.createdBy, this.sql.time(record.createdAt)],
        );
        if (!Array.isArray(inserted) || inserted.length === 0) return false;
        await query(
          `INSERT INTO "room_members" ("room", "user_name", "role", "since") VALUES (?, ?, 'owner', ?)
           ON CONFLICT ("room", "user_name") DO UPDATE SET "role" = 'owner'`,
          [record.room, record.createdBy, this.sql.time(record.createdAt)],
        );
        return true;
      }),
    );
  }

  async list(viewer: string | undefined): Promise<RoomListing[]> {
    const registered = await this.sql.rows<RoomRow>(
      viewer === undefined
        ? `SELECT * FROM "rooms" WHERE "visibility" = 'public'`
        : `SELECT r.* FROM "rooms" r WHERE r."visibility" = 'public'
             OR EXISTS (SELECT 1 FROM "room_members" m WHERE m."room" = r."room" AND m."user_name" = ?)`,
      viewer === undefined ? [] : [viewer],
    );
    const hidden = new Set((await this.sql.rows<{ room: string }>(`SELECT "room" FROM "rooms" WHERE "visibility" <> 'public'`)).map((r) => r.room));
    const stats = await this.sql.rows<{ room: string; messages: number | string; last: unknown; first_id: number | string }>(
      `SELECT "room", COUNT(*) AS "messages", MAX("sent_at") AS "last", MIN("id") AS "first_id" FROM "messages" GROUP BY "room"`,
    );
    const rooms = new Map<string, RoomListing>();
    for (const row of registered) rooms.set(row.room, { ...roomOf(row), messages: 0, lastMessageAt: null });
    const firstIds: number[] = [];
    for (const s of stats) {
      const known = rooms.get(s.room);
      if (known) {
        known.messages = Number(s.messages);
        known.lastMessageAt = dateOf(s.last);
      } else if (!hidden.has(s.room)) {
        // A public room made by its first message: described once its first message is read below.
        rooms.set(s.room, {
          room: s.room, title: s.room, visibility: 'public', createdBy: '', createdAt: dateOf(s.last),
          messages: Number(s.messages), lastMessageAt: dateOf(s.last),
        });
        firstIds.push(Number(s.first_id));
      }
    }
    for (let start = 0; start < firstIds.length; start += 500) {
      const chunk = firstIds.slice(start, start + 500);
      const firsts = await this.sql.rows<{ room: string; sender: string; sent_at: unknown }>(
        `SELECT "room", "sender", "sent_at" FROM "messages" WHERE "id" IN (${chunk.map(() => '?').join(', ')})`,
        chunk,
      );
      for (const f of firsts) {
        const listing = rooms.get(f.room);
        if (listing) Object.assign(listing, { createdBy: f.sender, createdAt: dateOf(f.sent_at) });
      }
    }
    if (viewer !== undefined) {
      for (const listing of rooms.values()) listing.unread = 0;
      const unread = await this.sql.rows<{ room: string; unread: number | string }>(
        `SELECT m."room" AS "room", COUNT(*) AS "unread" FROM "messages" m
           LEFT JOIN "read_markers" k ON k."room" = m."room" AND k."user_name" = ?
          WHERE m."id" > COALESCE(k."last_read_id", 0) AND m."sender" <> ? AND m."deleted_at" IS NULL
          GROUP BY m."room"`,
        [viewer, viewer],
      );
      for (const u of unread) {
        const listing = rooms.get(u.room);
        if (listing) listing.unread = Number(u.unread);
      }
    }
    return [...rooms.values()].sort((a, b) => (a.room < b.room ? -1 : a.room > b.room ? 1 : 0));
  }

  async privateRooms(): Promise<PrivateRoomPolicy[]> {
    const rooms = await this.sql.rows<{ room: string }>(`SELECT "room" FROM "rooms" WHERE "visibility" = 'private'`);
    const members = await this.sql.rows<MemberRow>(
      `SELECT m.* FROM "room_members" m JOIN "rooms" r ON r."room" = m."room" WHERE r."visibility" = 'private'`,
    );
    const policies = new Map(rooms.map((r) => [r.room, new Map<string, MemberRole>()]));
    for (const m of members) policies.get(m.room)?.set(m.user_name, m.role as MemberRole);
    return [...policies].map(([room, map]) => ({ room, members: map }));
  }

  async privateRoom(room: string): Promise<PrivateRoomPolicy | undefined> {
    const [row] = await this.sql.rows<{ visibility: string }>(`SELECT "visibility" FROM "rooms" WHERE "room" = ?`, [room]);
    if (row?.visibility !== 'private') return undefined;
    const members = await this.sql.rows<MemberRow>(`SELECT * FROM "room_members" WHERE "room" = ?`, [room]);
    return { room, members: new Map(members.map((m) => [m.user_name, m.role as MemberRole])) };
  }

  async members(room: string): Promise<MemberRecord[]> {
    const rows = await this.sql.rows<MemberRow>(`SELECT * FROM "room_members" WHERE "room" = ? ORDER BY "since", "user_name"`, [room]);
    return rows.map((m) => ({ user: m.user_name, role: m.role as MemberRole, since: dateOf(m.since) }));
  }

  addMember(room: string, user: string, role: MemberRole, since: Date): Promise<boolean> {
    return serializedWrite(this.dataSource, async () => {
      const rows = await this.sql.rows(
        `insert into "room_members" ("room", "user_name", "role", "since") VALUES (?, ?, ?, ?)
         ON CONFLICT ("room", "user_name") DO NOTHING RETURNING "user_name"`,
        [room, user, role, this.sql.time(since)],
      );
      return rows.length > 0;
    });
  }

  removeMember(room: string, user: string): Promise<boolean> {
    return serializedWrite(this.dataSource, async () => {
      const rows = await this.sql.rows(`delete from "room_members" WHERE "room" = ? AND "user_name" = ? RETURNING "user_name"`, [room, user]);
      return rows.length > 0;
    });
  }

  async readMarkers(room: string): Promise<ReadMarkerRecord[]> {
    const rows = await this.sql.rows<MarkerRow>(`SELECT * FROM "read_markers" WHERE "room" = ? ORDER BY "user_name"`, [room]);
    return rows.map(markerOf);
  }

  advanceReadMarker(room: string, user: string, lastReadId: number, at: Date): Promise<{ marker: ReadMarkerRecord; moved: boolean }> {
    return serializedWrite(this.dataSource, async () => {
      // One statement, so two tabs marking at once cannot move the marker back.
      const [moved] = await this.sql.rows<MarkerRow>(
        `insert into "read_markers" ("room", "user_name", "last_read_id", "at") VALUES (?, ?, ?, ?)
         ON CONFLICT ("room", "user_name") DO UPDATE SET "last_read_id" = excluded."last_read_id", "at" = excluded."at"
           WHERE "read_markers"."last_read_id" < excluded."last_read_id"
         RETURNING "user_name", "last_read_id", "at"`,
        [room, user, lastReadId, this.sql.time(at)],
      );
      if (moved) return { marker: markerOf(moved), moved: true };
      const [kept] = await this.sql.rows<MarkerRow>(`SELECT * FROM "read_markers" WHERE "room" = ? AND "user_name" = ?`, [room, user]);
      return { marker: markerOf(kept), moved: false };
    });
  }

  private placeholders(text: string): string {
    let n = 0;
    return this.sql.postgres ? text.replace(/\?/g, () => `$${++n}`) : text;
  }
}

function roomOf(row: RoomRow): RoomRecord {
  return {
    room: row.room,
    title: row.title,
    visibility: row.visibility as Visibility,
    createdBy: row.created_by,
    createdAt: dateOf(row.created_at),
  };
}

function markerOf(row: MarkerRow): ReadMarkerRecord {
  return { user: row.user_name, lastReadId: Number(row.last_read_id), at: dateOf(row.at) };
}
