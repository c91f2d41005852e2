import { Inject, Injectable } from '@nestjs/common';
import { ClusterUserRegistry } from '@app/messaging';
import { ChatError } from '../chat-error';
import { RoomPolicySync } from '../rooms/room-policy.sync';
import { objectBody, parseUser } from '../rooms/room-input';
import { ADMIN_ROLE, type Caller } from '../rooms/room-records';
import { RoomsService, signedIn } from '../rooms/rooms.service';
import { AuditTrail } from './audit-trail';
import { parseReason, parseSeconds } from './moderation-input';
import type { AuditAction, BanRecord, MuteRecord, NewAuditEntry } from './moderation-records';
import { MODERATION_REPOSITORY, type ModerationRepository } from './moderation-repository.port';

/**
 * Mutes, bans and disconnects (CONTRACT "Moderation"). Who may: a moderator or an admin in any room, and
 * the owner of a room in their own (they may already remove its members; a mute is the milder tool);
 * a disconnect, which reaches every room, is for admins only. Nobody mutes or bans themselves.
 *
 * Each is stored with its audit entry, then applied on this node and announced to the others
 * (RoomPolicySync), so that RoomAccess refuses it on every door of every node: a ban ends the user's
 * live follows of the room at once. Who the token says a user is decides; an anonymous name cannot be
 * held to a ban, so moderation means something only with an identity provider.
 */
@Injectable()
export class Moderation {
  constructor(
    @Inject(MODERATION_REPOSITORY) private readonly repository: ModerationRepository,
    private readonly rooms: RoomsService,
    private readonly sync: RoomPolicySync,
    private readonly audit: AuditTrail,
    private readonly users: ClusterUserRegistry,
  ) {}

  /** `{user, seconds}`: the user may not post in the room until then (a running mute is replaced). */
  async mute(room: string, body: unknown, caller: Caller | undefined): Promise<MuteRecord> {
    const who = await this.rooms.requireModerator(room, caller);
    const fields = objectBody(body);
    const user = target(fields.user, who);
    const seconds = parseSeconds(fields.seconds);
    const at = new Date();
    const record: MuteRecord = { room, user, by: who.name, until: new Date(at.getTime() + seconds * 1000), at };
    await this.repository.mute(record, entry(who, 'mute', room, user, at, `${seconds} s, until ${record.until.toISOString()}`));
    await this.sync.changed(room);
    return record;
  }

  /** Lifts a running mute; nothing happens (and nothing is kept) when there is none. */
  async unmute(room: string, user: unknown, caller: Caller | undefined): Promise<void> {
    const who = await this.rooms.requireModerator(room, caller);
    const name = parseUser(user);
    if (await this.repository.unmute(room, name, entry(who, 'unmute', room, name, new Date()))) await this.sync.changed(room);
  }

  /** `{user, reason?}`: out of the room's members, its live follows ended, and no way back in until lifted. */
  async ban(room: string, body: unknown, caller: Caller | undefined): Promise<BanRecord> {
    const who = await this.rooms.requireModerator(room, caller);
    const fields = objectBody(body);
    const user = target(fields.user, who);
    const reason = parseReason(fields.reason);
    const at = new Date();
    const record: BanRecord = { room, user, by: who.name, reason, at };
    await this.repository.ban(record, entry(who, 'ban', room, user, at, reason ?? undefined));
    await this.sync.changed(room);
    return record;
  }

  /** Lifts a ban (the user is not made a member again); nothing happens when there is none. */
  async unban(room: string, user: unknown, caller: Caller | undefined): Promise<void> {
    const who = await this.rooms.requireModerator(room, caller);
    const name = parseUser(user);
    if (await this.repository.unban(room, name, entry(who, 'unban', room, name, new Date()))) await this.sync.changed(room);
  }

  /** Admins: ends every session of the user on every node and door. */
  async disconnect(user: unknown, caller: Caller | undefined): Promise<void> {
    const who = signedIn(caller);
    if (!who.roles.includes(ADMIN_ROLE)) throw new ChatError('forbidden', 'Only an admin may disconnect a user.');
    const name = parseUser(user);
    this.users.disconnect(name, `disconnected by ${who.name}`);
    await this.audit.record(entry(who, 'disconnect', null, name, new Date()));
  }
}

function target(user: unknown, who: Caller): string {
  const name = parseUser(user);
  if (name === who.name) throw new ChatError('forbidden', 'You cannot mute or ban yourself.');
  return name;
}

function entry(who: Caller, action: AuditAction, room: string | null, user: string, at: Date, detail?: string): NewAuditEntry {
  return { at, actor: who.name, action, room, user, ...(detail !== undefined && { detail }) };
}
