import { randomBytes } from 'node:crypto';
import { Inject, Injectable, Logger, Optional, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { createMessage, type BrokerMessage } from '../broker/broker-message';
import { BROKER, type BrokerPort, type Subscriber } from '../broker/broker.port';
import { UserSessionRegistry } from './user-session.registry';

/** Where nodes tell each other who is signed in (Spring's userRegistryBroadcast). Not addressable by clients. */
export const USER_REGISTRY_BROADCAST = '/system/user-registry';

/** Cluster-wide user events, emitted on every node through @nestjs/event-emitter. */
export const UserEvents = {
  /** A user's first session anywhere in the cluster has connected. */
  Online: 'stomp.user.online',
  /** A user's last session anywhere has gone (or its node stopped answering). */
  Offline: 'stomp.user.offline',
  /** Every node ends the user's sessions (admin disconnect, ban): each door listens and closes its own. */
  Disconnect: 'stomp.user.disconnect',
  /** A user's first connection to a presence key (a room, say) anywhere in the cluster. */
  Joined: 'stomp.presence.joined',
  /** A user's last connection to a presence key anywhere has gone. */
  Left: 'stomp.presence.left',
} as const;

export interface UserPresenceEvent {
  user: string;
}
export interface UserDisconnectEvent {
  user: string;
  reason: string;
}
export interface PresenceChangeEvent {
  key: string;
  user: string;
  /** ms since the epoch. */
  at: number;
  /**
   * True on one node only: the one with the lowest id among the nodes it knows (alone, a node announces
   * everything). Whoever tells clients about joins and leaves acts on this one only. One announcer sees
   * every transition of the merged state in one order, so joins and leaves alternate: a user entering
   * through two nodes at once is announced once, and a user leaving two nodes at once is announced once
   * (deciding by "whose own connection made the change" announced both of the first and neither of the
   * second). While a node starts and has not yet heard a lower one, two may announce; after an announcer
   * is killed (no goodbye), none does until the next node takes over, one period and a second later.
   */
  announce: boolean;
}
/** One user present at a key: `since` is when their first connection there began, on any node. */
export interface PresentUser {
  user: string;
  since: number;
}

export interface ClusterRegistryOptions {
  /** How often a node repeats its full state; a node silent for three periods is taken as gone. */
  snapshotEveryMs: number;
}
export const CLUSTER_REGISTRY_OPTIONS = Symbol('ClusterRegistryOptions');
const DEFAULTS: ClusterRegistryOptions = { snapshotEveryMs: 10_000 };

/** The presence key of "signed in at all": the users Online/Offline are about. */
const SIGNED_IN = '';

type Entries = [key: string, users: [user: string, since: number][]][];
type Wire =
  | { node: string; kind: 'hello' }
  | { node: string; kind: 'bye' }
  | { node: string; kind: 'snapshot'; entries: Entries }
  | { node: string; kind: 'enter'; key: string; user: string; since: number }
  | { node: string; kind: 'leave'; key: string; user: string }
  | { node: string; kind: 'disconnect'; user: string; reason: string };

/** user → since, for one node and key. */
type Users = Map<string, number>;

/**
 * Who is signed in, and who is present where, on every node (Spring's MultiServerUserRegistry, plus
 * presence keys such as rooms). Each node publishes its own comings and goings as they happen, its whole
 * state every `snapshotEveryMs` and whenever a node says hello, over the configured broker: with the
 * simple broker this is the local state; with the relay every node sees every other. A node that stops
 * answering (killed) is forgotten after three periods, so its users go offline and leave everywhere.
 * Disconnect requests travel the same way. Every map is a Map: user names and keys are client data.
 */
@Injectable()
export class ClusterUserRegistry implements Subscriber, OnModuleInit, OnModuleDestroy {
  /** This process, among the cluster's nodes. */
  readonly node = randomBytes(6).toString('hex');
  readonly sessionId = `system:user-registry:${this.node}`;
  private readonly logger = new Logger('ClusterUserRegistry');
  private readonly options: ClusterRegistryOptions;
  /** This node's connections: key → user → how many, and since when. */
  private readonly mine = new Map<string, Map<string, { count: number; since: number }>>();
  private readonly remote = new Map<string, { seen: number; entries: Map<string, Users> }>();
  /** Everyone's: key → user → node → since. */
  private readonly merged = new Map<string, Map<string, Map<string, number>>>();
  /** Doors other than STOMP (SSE, plain WebSocket) register how to end a user's connection here. */
  private readonly enders = new Map<string, Set<(reason: string) => void>>();
  private timer?: NodeJS.Timeout;
  /** When the snapshot timer last fired (set when it starts), to tell a late tick. */
  private lastTick = 0;
  private stopLocal?: () => void;

  constructor(
    @Inject(BROKER) private readonly broker: BrokerPort,
    private readonly local: UserSessionRegistry,
    // Absent only where a test builds the messaging module alone; then nobody listens anyway.
    @Optional() @Inject(EventEmitter2) private readonly events: EventEmitter2 | null,
    @Optional() @Inject(CLUSTER_REGISTRY_OPTIONS) options?: Partial<ClusterRegistryOptions>,
  ) {
    this.options = { ...DEFAULTS, ...options };
  }

  onModuleInit(): void {
    this.broker.subscribe(this, 'user-registry', USER_REGISTRY_BROADCAST);
    const signOut = new Map<string, () => void>();
    for (const user of this.local.users()) signOut.set(user, this.enter(SIGNED_IN, user));
    this.stopLocal = this.local.watch((user, online) => {
      if (online) signOut.set(user, this.enter(SIGNED_IN, user));
      else {
        signOut.get(user)?.();
        signOut.delete(user);
      }
    });
    this.lastTick = Date.now();
    this.timer = setInterval(() => this.tick(), this.options.snapshotEveryMs);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
    this.stopLocal?.();
    // A node stopping on purpose says so: the others drop its users (and its announcer role) now, not in three periods.
    this.publish({ node: this.node, kind: 'bye' });
    this.broker.unsubscribe(this.sessionId, 'user-registry');
  }

  /** The relay's subscription is (again) in effect: ask everyone for their state, and give ours. */
  live(): void {
    this.publish({ node: this.node, kind: 'hello' });
    this.publishSnapshot();
  }

  /** The nodes this one knows (itself first), with how many users each has signed in. */
  nodes(now = Date.now()): { node: string; self: boolean; users: number; lastHeardMsAgo: number }[] {
    return [
      { node: this.node, self: true, users: this.mine.get(SIGNED_IN)?.size ?? 0, lastHeardMsAgo: 0 },
      ...[...this.remote].map(([node, entry]) => ({ node, self: false, users: entry.entries.get(SIGNED_IN)?.size ?? 0, lastHeardMsAgo: now - entry.seen })),
    ];
  }

  /** Presence keys starting with `prefix` that have someone present, with how many users. */
  presenceCounts(prefix: string): { key: string; users: number }[] {
    return [...this.merged].filter(([key]) => key !== SIGNED_IN && key.startsWith(prefix)).map(([key, users]) => ({ key, users: users.size }));
  }

  /** True when the user has a session on any node. */
  isOnline(user: string): boolean {
    return this.merged.get(SIGNED_IN)?.has(user) ?? false;
  }

  /** Users with a session on any node. */
  users(): string[] {
    return [...(this.merged.get(SIGNED_IN)?.keys() ?? [])];
  }

  /**
   * One connection of `user` at `key` on this node (a room's subscription, an SSE stream...). Returns how
   * to leave; calling it more than once is harmless. The user is present while any node holds one.
   */
  enter(key: string, user: string): () => void {
    let users = this.mine.get(key);
    if (!users) {
      users = new Map();
      this.mine.set(key, users);
    }
    const held = users.get(user);
    if (held) held.count++;
    else {
      const since = Date.now();
      users.set(user, { count: 1, since });
      this.mark(key, user, this.node, since);
      this.publish({ node: this.node, kind: 'enter', key, user, since });
    }
    let left = false;
    return () => {
      if (left) return;
      left = true;
      this.leave(key, user);
    };
  }

  /** The users present at `key` on any node, longest present first. */
  present(key: string): PresentUser[] {
    const users = this.merged.get(key);
    if (!users) return [];
    return [...users].map(([user, nodes]) => ({ user, since: Math.min(...nodes.values()) })).sort((a, b) => a.since - b.since);
  }

  isPresent(key: string, user: string): boolean {
    return this.merged.get(key)?.has(user) ?? false;
  }

  /** Ends every session of `user` on every node (each door closes its own on UserEvents.Disconnect). */
  disconnect(user: string, reason: string): void {
    this.disconnected(user, reason);
    this.publish({ node: this.node, kind: 'disconnect', user, reason });
  }

  /** Calls `end` when the user is disconnected by the server, on whichever node that is decided. */
  whenDisconnected(user: string, end: (reason: string) => void): () => void {
    let set = this.enders.get(user);
    if (!set) {
      set = new Set();
      this.enders.set(user, set);
    }
    set.add(end);
    return () => {
      set.delete(end);
      if (set.size === 0 && this.enders.get(user) === set) this.enders.delete(user);
    };
  }

  deliver(message: BrokerMessage): void {
    let wire: Wire;
    try {
      wire = JSON.parse(message.body.toString('utf8')) as Wire;
    } catch {
      return;
    }
    if (typeof wire !== 'object' || wire === null || typeof wire.node !== 'string' || wire.node === this.node) return;
    switch (wire.kind) {
      case 'hello':
        this.remoteOf(wire.node);
        return this.publishSnapshot();
      case 'bye':
        return this.forget(wire.node);
      case 'snapshot':
        if (Array.isArray(wire.entries)) this.replace(wire.node, parseEntries(wire.entries));
        return;
      case 'enter':
        if (typeof wire.key === 'string' && typeof wire.user === 'string') {
          const since = Number.isFinite(wire.since) ? wire.since : Date.now();
          usersOf(this.remoteOf(wire.node).entries, wire.key).set(wire.user, since);
          this.mark(wire.key, wire.user, wire.node, since);
        }
        return;
      case 'leave':
        if (typeof wire.key === 'string' && typeof wire.user === 'string') {
          this.remoteOf(wire.node).entries.get(wire.key)?.delete(wire.user);
          this.unmark(wire.key, wire.user, wire.node);
        }
        return;
      case 'disconnect':
        this.remoteOf(wire.node);
        if (typeof wire.user === 'string') this.disconnected(wire.user, String(wire.reason ?? 'disconnected'));
        return;
    }
  }

  private leave(key: string, user: string): void {
    const users = this.mine.get(key);
    const held = users?.get(user);
    if (!users || !held) return;
    if (--held.count > 0) return;
    users.delete(user);
    if (users.size === 0) this.mine.delete(key);
    this.unmark(key, user, this.node);
    this.publish({ node: this.node, kind: 'leave', key, user });
  }

  private disconnected(user: string, reason: string): void {
    this.events?.emit(UserEvents.Disconnect, { user, reason } satisfies UserDisconnectEvent);
    for (const end of [...(this.enders.get(user) ?? [])]) end(reason);
  }

  private remoteOf(node: string): { seen: number; entries: Map<string, Users> } {
    let entry = this.remote.get(node);
    if (!entry) {
      entry = { seen: 0, entries: new Map() };
      this.remote.set(node, entry);
    }
    entry.seen = Date.now();
    return entry;
  }

  /** A node's whole state: what it no longer says is gone, what it says is there. */
  private replace(node: string, entries: Map<string, Users>): void {
    const entry = this.remoteOf(node);
    for (const [key, users] of entry.entries) for (const user of users.keys()) if (!entries.get(key)?.has(user)) this.unmark(key, user, node);
    for (const [key, users] of entries) for (const [user, since] of users) this.mark(key, user, node, since);
    entry.entries = entries;
  }

  private mark(key: string, user: string, node: string, since: number): void {
    let users = this.merged.get(key);
    if (!users) {
      users = new Map();
      this.merged.set(key, users);
    }
    let nodes = users.get(user);
    const first = !nodes;
    if (!nodes) {
      nodes = new Map();
      users.set(user, nodes);
    }
    nodes.set(node, since);
    if (!first) return;
    if (key === SIGNED_IN) this.events?.emit(UserEvents.Online, { user } satisfies UserPresenceEvent);
    else this.events?.emit(UserEvents.Joined, { key, user, at: Date.now(), announce: this.announcer() } satisfies PresenceChangeEvent);
  }

  private unmark(key: string, user: string, node: string): void {
    const users = this.merged.get(key);
    const nodes = users?.get(user);
    if (!users || !nodes?.delete(node) || nodes.size > 0) return;
    users.delete(user);
    if (users.size === 0) this.merged.delete(key);
    if (key === SIGNED_IN) this.events?.emit(UserEvents.Offline, { user } satisfies UserPresenceEvent);
    else this.events?.emit(UserEvents.Left, { key, user, at: Date.now(), announce: this.announcer() } satisfies PresenceChangeEvent);
  }

  private tick(): void {
    this.publishSnapshot();
    const now = Date.now();
    const late = now - this.lastTick > 2 * this.options.snapshotEveryMs;
    this.lastTick = now;
    // A tick this late means our own event loop was blocked: the others' snapshots are queued behind this
    // timer, unread, so their silence proves nothing yet. Judging it now would drop live nodes' users and
    // re-add them a moment later (a leave and a second join told to the room). The next tick judges.
    if (late) return;
    const silent = now - 3 * this.options.snapshotEveryMs;
    for (const [node, entry] of this.remote) {
      if (entry.seen >= silent) continue;
      this.logger.warn(`node ${node} has been silent for ${3 * this.options.snapshotEveryMs} ms: its users are offline`);
      this.forget(node);
    }
  }

  /** A node gone: every survivor drops its users; the announcer among them tells the rooms. */
  private forget(node: string): void {
    const entry = this.remote.get(node);
    if (!entry) return;
    this.remote.delete(node);
    for (const [key, users] of entry.entries) for (const user of users.keys()) this.unmark(key, user, node);
  }

  /**
   * True when no node heard from lately has a lower id. "Lately" is one period plus a second for a busy
   * event loop: a live node's snapshot comes every period, so a killed announcer hands over after that,
   * well before its users are dropped at three periods.
   */
  private announcer(now = Date.now()): boolean {
    const recent = now - this.options.snapshotEveryMs - 1_000;
    for (const [node, entry] of this.remote) if (node < this.node && entry.seen >= recent) return false;
    return true;
  }

  private publishSnapshot(): void {
    const entries: Entries = [...this.mine].map(([key, users]) => [key, [...users].map(([user, held]) => [user, held.since])]);
    this.publish({ node: this.node, kind: 'snapshot', entries });
  }

  private publish(wire: Wire): void {
    try {
      this.broker.publish(createMessage(USER_REGISTRY_BROADCAST, JSON.stringify(wire), [['content-type', 'application/json']]));
    } catch (error) {
      // The relay may be away; the next snapshot repairs what this one would have said.
      this.logger.warn(`publishing the user registry failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}

function usersOf(entries: Map<string, Users>, key: string): Users {
  let users = entries.get(key);
  if (!users) {
    users = new Map();
    entries.set(key, users);
  }
  return users;
}

/** A snapshot from the wire, keeping only well-formed entries. */
function parseEntries(raw: unknown[]): Map<string, Users> {
  const entries = new Map<string, Users>();
  for (const item of raw) {
    if (!Array.isArray(item) || typeof item[0] !== 'string' || !Array.isArray(item[1])) continue;
    const users = usersOf(entries, item[0]);
    for (const pair of item[1] as unknown[]) {
      if (Array.isArray(pair) && typeof pair[0] === 'string') users.set(pair[0], Number.isFinite(pair[1]) ? Number(pair[1]) : Date.now());
    }
  }
  return entries;
}
