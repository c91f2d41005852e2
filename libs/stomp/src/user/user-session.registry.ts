import { Injectable } from '@nestjs/common';

const NONE: ReadonlySet<string> = new Set();

/**
 * Which local sessions each principal has open (Spring's SimpUserRegistry, reduced to what user
 * destinations need). The STOMP session adds itself on CONNECT with a login and removes itself when it
 * closes. Node-local by design: messages to a user are resolved on every node (see UserBroadcastListener).
 */
@Injectable()
export class UserSessionRegistry {
  private readonly sessionsByUser = new Map<string, Set<string>>();
  private readonly userBySession = new Map<string, string>();
  private readonly watchers = new Set<(user: string, online: boolean) => void>();

  /** Calls `watcher` when a user's first session on this node opens (true) and its last one closes (false). */
  watch(watcher: (user: string, online: boolean) => void): () => void {
    this.watchers.add(watcher);
    return () => this.watchers.delete(watcher);
  }

  /** Principals with at least one session on this node. */
  users(): IterableIterator<string> {
    return this.sessionsByUser.keys();
  }

  /** A session belongs to one principal; adding it again under another name moves it. */
  add(user: string, sessionId: string): void {
    const previous = this.userBySession.get(sessionId);
    if (previous === user) return;
    if (previous !== undefined) this.remove(sessionId);
    this.userBySession.set(sessionId, user);
    let sessions = this.sessionsByUser.get(user);
    if (!sessions) {
      sessions = new Set();
      this.sessionsByUser.set(user, sessions);
      sessions.add(sessionId);
      for (const watcher of this.watchers) watcher(user, true);
      return;
    }
    sessions.add(sessionId);
  }

  /** Forgets a session; returns the principal it belonged to. Unknown sessions are ignored. */
  remove(sessionId: string): string | undefined {
    const user = this.userBySession.get(sessionId);
    if (user === undefined) return undefined;
    this.userBySession.delete(sessionId);
    const sessions = this.sessionsByUser.get(user);
    sessions?.delete(sessionId);
    if (sessions?.size === 0) {
      this.sessionsByUser.delete(user);
      for (const watcher of this.watchers) watcher(user, false);
    }
    return user;
  }

  /** The principal's open sessions on this node (empty when none). */
  sessionsOf(user: string): ReadonlySet<string> {
    return this.sessionsByUser.get(user) ?? NONE;
  }

  userOf(sessionId: string): string | undefined {
    return this.userBySession.get(sessionId);
  }

  /** Principals with at least one session on this node. */
  get userCount(): number {
    return this.sessionsByUser.size;
  }
}
