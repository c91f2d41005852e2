import { Injectable } from '@nestjs/common';
import { ChatError } from '../chat-error';
import { RoomDirectory } from './room-directory';
import { isStaff, type Caller } from './room-records';

/** What a caller wants to do in a room, as far as seeing and posting go. */
export type RoomAction = 'read' | 'post';

/**
 * One rule of room access. Rules run in order; the first refusal wins, so a rule can only take away (the
 * order decides which refusal the caller hears). A rule decides synchronously from memory: it runs on
 * every STOMP frame of a room.
 */
export interface RoomAccessRule {
  refuse(caller: Caller | undefined, room: string, action: RoomAction): ChatError | undefined;
}

/**
 * The one rule of who may see and post in a room, asked by every door: STOMP SUBSCRIBE and SEND (through
 * RoomAccessInterceptor), REST, SSE, long polling and the plain WebSocket (through the chat services).
 * A private room refuses non-members with `not-found`, the answer an unknown room gets, so that its
 * existence does not leak (STOMP says `forbidden` with the destination, as CONTRACT.md wants).
 *
 * Moderation plugs in with `use(rule)` (RoomRestrictions: bans, mutes) and tells RoomWatchers when a
 * decision may have changed, so that live subscriptions it now refuses end.
 */
@Injectable()
export class RoomAccess {
  private readonly rules: RoomAccessRule[];

  constructor(readonly directory: RoomDirectory) {
    this.rules = [new MembershipRule(directory)];
  }

  use(rule: RoomAccessRule, position: 'first' | 'last' = 'last'): void {
    if (position === 'first') this.rules.unshift(rule);
    else this.rules.push(rule);
  }

  refusal(caller: Caller | undefined, room: string, action: RoomAction): ChatError | undefined {
    for (const rule of this.rules) {
      const refused = rule.refuse(caller, room, action);
      if (refused) return refused;
    }
    return undefined;
  }

  may(caller: Caller | undefined, room: string, action: RoomAction): boolean {
    return this.refusal(caller, room, action) === undefined;
  }

  /** Throws the refusal (a ChatError) when the caller may not. */
  require(caller: Caller | undefined, room: string, action: RoomAction): void {
    const refused = this.refusal(caller, room, action);
    if (refused) throw refused;
  }

  /** May the caller know that the room exists (member of a private room, staff, or a public room)? */
  canSee(caller: Caller | undefined, room: string): boolean {
    return !this.directory.isPrivate(room) || isStaff(caller) || this.isMember(caller, room);
  }

  isMember(caller: Caller | undefined, room: string): boolean {
    return caller !== undefined && this.directory.roleIn(room, caller.name) !== undefined;
  }
}

/**
 * What a door that names the room says when it refuses or ends a follower: a private room's `not-found`
 * (or a removal) is `forbidden` there, since the client named the room already; a refusal of moderation
 * (`banned`) keeps its code and sentence.
 */
export function followRefusal(reason: ChatError, what: string): { error: string; message: string } {
  if (reason.code === 'not-found' || reason.code === 'forbidden') return { error: 'forbidden', message: `You may no longer read ${what}.` };
  return { error: reason.code, message: reason.message };
}

/** Private rooms are for their members: everyone else is told there is no such room. */
class MembershipRule implements RoomAccessRule {
  constructor(private readonly directory: RoomDirectory) {}

  refuse(caller: Caller | undefined, room: string): ChatError | undefined {
    if (!this.directory.isPrivate(room)) return undefined;
    if (caller !== undefined && this.directory.roleIn(room, caller.name) !== undefined) return undefined;
    return new ChatError('not-found');
  }
}
