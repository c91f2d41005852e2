import { Inject, Injectable } from '@nestjs/common';
import { ChatError } from '../chat-error';
import { MESSAGES_FEED_ROOM } from '../chat-message.render';
import { validateRoom } from '../post-message.dto';
import { AuditTrail } from '../moderation/audit-trail';
import { RoomRestrictions } from '../moderation/room-restrictions';
import { RoomAccess } from './room-access';
import { RoomDirectory } from './room-directory';
import { objectBody, parseTitle, parseUser, parseVisibility } from './room-input';
import { RoomPolicySync } from './room-policy.sync';
import { isStaff, type Caller, type MemberRecord, type RoomListing, type RoomRecord } from './room-records';
import { ROOM_REPOSITORY, type RoomRepository } from './room-repository.port';

/**
 * Rooms and their members (CONTRACT "Rooms, membership and moderation"), for every door. Who may manage
 * members: the room's owner, a moderator or an admin; anyone may join a public room or leave any room.
 * A private room the caller may not see answers `not-found`, exactly as a room that does not exist.
 */
@Injectable()
export class RoomsService {
  constructor(
    @Inject(ROOM_REPOSITORY) private readonly repository: RoomRepository,
    private readonly access: RoomAccess,
    private readonly directory: RoomDirectory,
    private readonly sync: RoomPolicySync,
    private readonly restrictions: RoomRestrictions,
    private readonly audit: AuditTrail,
  ) {}

  /** `{room, title?, visibility?}` → the new room; the creator is its owner. */
  async create(body: unknown, caller: Caller | undefined): Promise<RoomListing> {
    const who = signedIn(caller);
    const fields = objectBody(body);
    const room = validateRoom(fields.room);
    const record: RoomRecord = {
      room,
      title: parseTitle(fields.title, room),
      visibility: parseVisibility(fields.visibility),
      createdBy: who.name,
      createdAt: new Date(),
    };
    // The seed's room exists before anyone creates it (SEND /app/chat and /topic/messages are for all).
    if (room === MESSAGES_FEED_ROOM || !(await this.repository.create(record))) throw new ChatError('room-exists');
    if (record.visibility === 'private') {
      // Decided from here on, before the database is read again: anyone who followed the name before it
      // was taken, and is not the owner, is cut off now.
      this.directory.set(room, { room, members: new Map([[who.name, 'owner']]) });
      await this.sync.changed(room);
    }
    return { ...record, messages: 0, lastMessageAt: null, unread: 0 };
  }

  /** The rooms the caller may see: public ones and the private ones they are in; `unread` when signed in. */
  list(caller: Caller | undefined): Promise<RoomListing[]> {
    return this.repository.list(caller?.name);
  }

  async members(room: string, caller: Caller | undefined): Promise<MemberRecord[]> {
    await this.visibleRoom(room, caller);
    return this.repository.members(room);
  }

  /** PUT members/{user}: the owner, staff, or the user themselves in a public room. Idempotent. */
  async addMember(room: string, user: unknown, caller: Caller | undefined): Promise<void> {
    const who = signedIn(caller);
    const record = await this.visibleRoom(room, who);
    const name = parseUser(user);
    const self = name === who.name;
    if (!(self && record.visibility === 'public') && !isStaff(who) && !(await this.isOwner(room, who))) {
      throw new ChatError('forbidden', 'Only the owner of the room, a moderator or an admin may add members.');
    }
    if (this.restrictions.isBanned(room, name)) {
      throw new ChatError('banned', self ? undefined : `${name} is banned from this room; lift the ban first.`);
    }
    const added = await this.repository.addMember(room, name, 'member', new Date());
    if (added && record.visibility === 'private') await this.sync.changed(room);
  }

  /** DELETE members/{user}: the user themselves, the owner or staff; the user's live subscriptions to the room end. */
  async removeMember(room: string, user: unknown, caller: Caller | undefined): Promise<void> {
    const who = signedIn(caller);
    await this.visibleRoom(room, who);
    const name = parseUser(user);
    if (name !== who.name && !isStaff(who) && !(await this.isOwner(room, who))) {
      throw new ChatError('forbidden', 'Only the member themselves, the owner of the room, a moderator or an admin may remove a member.');
    }
    if (!(await this.repository.removeMember(room, name))) return;
    await this.sync.changed(room, name);
    if (name !== who.name) await this.audit.record({ at: new Date(), actor: who.name, action: 'remove-member', room, user: name });
  }

  /**
   * The caller, when they may moderate the room (mute, ban): a moderator or an admin anywhere, and the
   * owner in their own room; `forbidden` for anyone else, `not-found` for a room they cannot see.
   */
  async requireModerator(room: string, caller: Caller | undefined): Promise<Caller> {
    const who = signedIn(caller);
    await this.visibleRoom(room, who);
    if (!isStaff(who) && !(await this.isOwner(room, who))) {
      throw new ChatError('forbidden', 'Only a moderator, an admin or the owner of the room may do that.');
    }
    return who;
  }

  /** The room if it exists and the caller may know it does; `not-found` alike otherwise. */
  private async visibleRoom(room: string, caller: Caller | undefined): Promise<RoomRecord> {
    validateRoom(room);
    if (!this.access.canSee(caller, room)) throw new ChatError('not-found');
    const record = await this.repository.find(room);
    if (!record) throw new ChatError('not-found');
    return record;
  }

  private async isOwner(room: string, caller: Caller): Promise<boolean> {
    if (this.directory.isPrivate(room)) return this.directory.roleIn(room, caller.name) === 'owner';
    const members = await this.repository.members(room);
    return members.some((m) => m.user === caller.name && m.role === 'owner');
  }
}

/** Rooms are made and managed by people with a name: an anonymous caller is `unauthorized`. */
export function signedIn(caller: Caller | undefined): Caller {
  if (!caller) throw new ChatError('unauthorized');
  return caller;
}
