import { Injectable, type OnModuleInit } from '@nestjs/common';
import { ChatError } from '../chat-error';
import { RoomAccess, type RoomAccessRule, type RoomAction } from '../rooms/room-access';
import type { Caller } from '../rooms/room-records';
import type { RestrictionRecords } from './moderation-records';

interface Restrictions {
  readonly banned: Set<string>;
  /** user → until, ms since the epoch. */
  readonly muted: Map<string, number>;
}

/**
 * Bans and mutes as a rule of RoomAccess, so that every door refuses them where it already asks about
 * the room: a banned user may neither read nor post (`banned`), a muted one may read but not post
 * (`muted`) until the mute runs out. It runs before the private-room rule, so a banned member of a
 * private room is told `banned`, not that there is no such room (they know there is).
 *
 * Kept in memory like RoomDirectory (a STOMP frame cannot wait for the database) and kept equal to it by
 * RoomPolicySync on every node. A mute that has run out is forgotten the first time it is looked at, and
 * is not loaded again, so the mutes held are at most those given since the last reload.
 */
@Injectable()
export class RoomRestrictions implements RoomAccessRule, OnModuleInit {
  private rooms = new Map<string, Restrictions>();

  constructor(private readonly access: RoomAccess) {}

  onModuleInit(): void {
    this.access.use(this, 'first');
  }

  refuse(caller: Caller | undefined, room: string, action: RoomAction): ChatError | undefined {
    if (caller === undefined) return undefined;
    if (this.isBanned(room, caller.name)) return new ChatError('banned');
    if (action !== 'post') return undefined;
    const until = this.mutedUntil(room, caller.name);
    return until ? new ChatError('muted', `You are muted in this room until ${until.toISOString()}.`) : undefined;
  }

  isBanned(room: string, user: string): boolean {
    return this.rooms.get(room)?.banned.has(user) ?? false;
  }

  mutedUntil(room: string, user: string, now = Date.now()): Date | undefined {
    const restrictions = this.rooms.get(room);
    const until = restrictions?.muted.get(user);
    if (until === undefined) return undefined;
    if (until > now) return new Date(until);
    restrictions!.muted.delete(user);
    this.dropIfEmpty(room, restrictions!);
    return undefined;
  }

  replaceAll(records: RestrictionRecords): void {
    const rooms = new Map<string, Restrictions>();
    const of = (room: string) => rooms.get(room) ?? rooms.set(room, { banned: new Set(), muted: new Map() }).get(room)!;
    for (const ban of records.bans) of(ban.room).banned.add(ban.user);
    for (const mute of records.mutes) of(mute.room).muted.set(mute.user, mute.until.getTime());
    this.rooms = rooms;
  }

  /** The room's restrictions as stored now (records of other rooms are ignored). */
  set(room: string, records: RestrictionRecords): void {
    const restrictions: Restrictions = {
      banned: new Set(records.bans.filter((b) => b.room === room).map((b) => b.user)),
      muted: new Map(records.mutes.filter((m) => m.room === room).map((m) => [m.user, m.until.getTime()])),
    };
    this.rooms.delete(room);
    if (restrictions.banned.size > 0 || restrictions.muted.size > 0) this.rooms.set(room, restrictions);
  }

  private dropIfEmpty(room: string, restrictions: Restrictions): void {
    if (restrictions.banned.size === 0 && restrictions.muted.size === 0 && this.rooms.get(room) === restrictions) this.rooms.delete(room);
  }
}
