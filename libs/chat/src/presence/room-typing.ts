import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import { RoomEvents } from '../events/room-events';
import { RoomAccess } from '../rooms/room-access';
import type { Caller } from '../rooms/room-records';

/** At most one typing event per user and room per this many ms passes; the rest are dropped. */
export const TYPING_THROTTLE_MS = 1_000;
/** Typing ends by itself this long after the last "typing". */
export const TYPING_TIMEOUT_MS = 5_000;

interface Typist {
  lastPassed: number;
  timer?: NodeJS.Timeout;
}

/**
 * "Someone is typing": ephemeral room events, never stored. Throttled per user and room on the node that
 * receives them (a user types on one connection at a time), and ended by a timer when no "typing" has come
 * for TYPING_TIMEOUT_MS, so a client that vanishes mid-word does not leave the room a typist for ever.
 * Entries live only while a timer runs, so the map holds at most the users typing in the last 5 s.
 * Typing is a kind of posting: whoever may not post in the room (a private room's non-member, a muted
 * user) is refused it, on every door.
 */
@Injectable()
export class RoomTyping implements OnModuleDestroy {
  private readonly typists = new Map<string, Typist>();

  constructor(
    private readonly events: RoomEvents,
    private readonly access: RoomAccess,
  ) {}

  /** Returns false when the event was dropped by the throttle; throws the refusal (a ChatError). */
  typing(room: string, caller: Caller, typing: boolean, now = Date.now()): boolean {
    this.access.require(caller, room, 'post');
    const user = caller.name;
    const key = `${room}\n${user}`;
    const typist = this.typists.get(key);
    if (typing && typist && now - typist.lastPassed < TYPING_THROTTLE_MS) {
      this.arm(key, room, user, typist);
      return false;
    }
    if (!typing) {
      // Only a typist can stop: a stream of "not typing" from nobody is dropped, not broadcast.
      if (!typist) return false;
      this.forget(key, typist);
      this.publish(room, user, false, now);
      return true;
    }
    const next = typist ?? { lastPassed: now };
    next.lastPassed = now;
    this.typists.set(key, next);
    this.arm(key, room, user, next);
    this.publish(room, user, true, now);
    return true;
  }

  onModuleDestroy(): void {
    for (const typist of this.typists.values()) clearTimeout(typist.timer);
    this.typists.clear();
  }

  private arm(key: string, room: string, user: string, typist: Typist): void {
    clearTimeout(typist.timer);
    typist.timer = setTimeout(() => {
      this.forget(key, typist);
      this.publish(room, user, false, Date.now());
    }, TYPING_TIMEOUT_MS);
    typist.timer.unref();
  }

  private forget(key: string, typist: Typist): void {
    clearTimeout(typist.timer);
    if (this.typists.get(key) === typist) this.typists.delete(key);
  }

  private publish(room: string, user: string, typing: boolean, at: number): void {
    this.events.publish(room, { type: 'typing', room, user, typing, at: new Date(at).toISOString() });
  }
}
