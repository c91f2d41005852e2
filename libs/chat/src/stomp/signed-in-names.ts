import { Injectable } from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import { UserEvents, type UserPresenceEvent } from '@app/messaging';
import { nameKey } from '../user-name';

/**
 * The names (by nameKey) of the users signed in on any node right now, from the cluster user registry's
 * events: so "does this name belong to a signed-in user?" also catches `Victim`, `victim` with a
 * zero-width space, or with a Cyrillic `і`, in one look-up, whichever node the user is on.
 */
@Injectable()
export class SignedInNames {
  /** nameKey → signed-in users whose names reduce to it. */
  private readonly usersByKey = new Map<string, number>();

  /** True when a signed-in user's name is `name` or looks like it. */
  claimed(name: string): boolean {
    return this.usersByKey.has(nameKey(name));
  }

  @OnEvent(UserEvents.Online)
  online(event: UserPresenceEvent): void {
    const key = nameKey(event.user);
    this.usersByKey.set(key, (this.usersByKey.get(key) ?? 0) + 1);
  }

  @OnEvent(UserEvents.Offline)
  offline(event: UserPresenceEvent): void {
    const key = nameKey(event.user);
    const left = (this.usersByKey.get(key) ?? 1) - 1;
    if (left > 0) this.usersByKey.set(key, left);
    else this.usersByKey.delete(key);
  }
}
