import { Injectable } from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import { StompEvents, type SessionConnectedEvent, type SessionDisconnectedEvent } from '@app/stomp-session';
import { nameKey } from '../user-name';

/**
 * The names (by nameKey) of the users signed in on this node right now, from the sessions' lifecycle
 * events: so "does this name belong to a signed-in user?" also catches `Victim`, `victim` with a
 * zero-width space, or with a Cyrillic `і`, in one look-up.
 */
@Injectable()
export class SignedInNames {
  private readonly sessionsByKey = new Map<string, number>();
  private readonly keyBySession = new Map<string, string>();

  /** True when a signed-in user's name is `name` or looks like it. */
  claimed(name: string): boolean {
    return this.sessionsByKey.has(nameKey(name));
  }

  @OnEvent(StompEvents.Connected)
  connected(event: SessionConnectedEvent): void {
    if (event.user === undefined || this.keyBySession.has(event.sessionId)) return;
    const key = nameKey(event.user);
    this.keyBySession.set(event.sessionId, key);
    this.sessionsByKey.set(key, (this.sessionsByKey.get(key) ?? 0) + 1);
  }

  @OnEvent(StompEvents.Disconnected)
  disconnected(event: SessionDisconnectedEvent): void {
    const key = this.keyBySession.get(event.sessionId);
    if (key === undefined) return;
    this.keyBySession.delete(event.sessionId);
    const left = (this.sessionsByKey.get(key) ?? 1) - 1;
    if (left > 0) this.sessionsByKey.set(key, left);
    else this.sessionsByKey.delete(key);
  }
}
