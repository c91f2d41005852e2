import { Injectable } from '@nestjs/common';
import type { MemberRole, PrivateRoomPolicy } from './room-records';

/**
 * What this node knows, in memory, about every private room: its members. Every door's access decision
 * is synchronous (a STOMP interceptor cannot wait for a database), so the private rooms are loaded at
 * start, changed here by this node's own writes at once, and by other nodes' through the control bus
 * (RoomPolicySync). A room not in here is public, or does not exist yet: open to all.
 *
 * Size: one entry per private room and one per member of one (a few hundred bytes each), so a million
 * private memberships are a few hundred MB; the public rooms cost nothing here.
 */
@Injectable()
export class RoomDirectory {
  private rooms = new Map<string, ReadonlyMap<string, MemberRole>>();

  isPrivate(room: string): boolean {
    return this.rooms.has(room);
  }

  /** The user's role in a private room; undefined for a non-member or a room that is not private. */
  roleIn(room: string, user: string): MemberRole | undefined {
    return this.rooms.get(room)?.get(user);
  }

  replaceAll(policies: readonly PrivateRoomPolicy[]): void {
    this.rooms = new Map(policies.map((p) => [p.room, new Map(p.members)]));
  }

  /** The room's policy, or undefined when the room is (no longer) private. */
  set(room: string, policy: PrivateRoomPolicy | undefined): void {
    if (policy) this.rooms.set(room, new Map(policy.members));
    else this.rooms.delete(room);
  }

  get size(): number {
    return this.rooms.size;
  }
}
