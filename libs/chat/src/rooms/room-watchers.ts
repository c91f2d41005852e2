import { Injectable, Logger } from '@nestjs/common';
import { ChatError } from '../chat-error';
import { RoomAccess } from './room-access';
import type { Caller } from './room-records';

interface Watch {
  readonly caller: Caller | undefined;
  readonly revoke: (reason: ChatError) => void;
}

/**
 * Every live follower of a room on this node, whatever its door (a STOMP subscription to the room or its
 * events, an SSE stream, a held poll, a plain WebSocket), with who it follows for. When what decides
 * access changes (a member removed, a room made private, a ban), the room is checked again here and each
 * follower now refused is ended by its own door's `revoke`, at once, with the refusal a new request would
 * get (`not-found` for a member removed, `banned` for a ban), so that each door can say why.
 */
@Injectable()
export class RoomWatchers {
  private readonly logger = new Logger('RoomWatchers');
  private readonly rooms = new Map<string, Set<Watch>>();

  constructor(private readonly access: RoomAccess) {}

  /** Registers a follower; returns the function that forgets it (call it when the follow stops). */
  watch(room: string, caller: Caller | undefined, revoke: (reason: ChatError) => void): () => void {
    const watch: Watch = { caller, revoke };
    let set = this.rooms.get(room);
    if (!set) this.rooms.set(room, (set = new Set()));
    set.add(watch);
    return () => this.forget(room, watch);
  }

  /** Ends every follower of the room that may no longer read it. */
  recheck(room: string): void {
    this.revokeWhere(room, (w) => this.access.refusal(w.caller, room, 'read'));
  }

  /** Ends every follower of the room following for `user` (they left or were removed). */
  revokeUser(room: string, user: string): void {
    this.revokeWhere(room, (w) => (w.caller?.name === user ? new ChatError('not-found') : undefined));
  }

  recheckAll(): void {
    for (const room of [...this.rooms.keys()]) this.recheck(room);
  }

  /** Followers on this node (for tests and metrics). */
  count(room?: string): number {
    if (room !== undefined) return this.rooms.get(room)?.size ?? 0;
    let n = 0;
    for (const set of this.rooms.values()) n += set.size;
    return n;
  }

  /** Ends each follower `refused` gives a reason for. */
  private revokeWhere(room: string, refused: (watch: Watch) => ChatError | undefined): void {
    const set = this.rooms.get(room);
    if (!set) return;
    for (const watch of [...set]) {
      const reason = refused(watch);
      if (!reason) continue;
      this.forget(room, watch);
      try {
        watch.revoke(reason);
      } catch (error) {
        this.logger.warn(`ending a follower of room ${room} failed: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  }

  private forget(room: string, watch: Watch): void {
    const set = this.rooms.get(room);
    if (!set?.delete(watch)) return;
    if (set.size === 0) this.rooms.delete(room);
  }
}
