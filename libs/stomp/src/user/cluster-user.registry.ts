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
} as const;

export interface UserPresenceEvent {
  user: string;
}
export interface UserDisconnectEvent {
  user: string;
  reason: string;
}

export interface ClusterRegistryOptions {
  /** How often a node repeats its full list; a node silent for three periods is taken as gone. */
  snapshotEveryMs: number;
}
export const CLUSTER_REGISTRY_OPTIONS = Symbol('ClusterRegistryOptions');
const DEFAULTS: ClusterRegistryOptions = { snapshotEveryMs: 10_000 };

type Wire =
  | { node: string; kind: 'hello' }
  | { node: string; kind: 'snapshot'; users: string[] }
  | { node: string; kind: 'online' | 'offline'; user: string }
  | { node: string; kind: 'disconnect'; user: string; reason: string };

/**
 * Who is signed in on every node (Spring's MultiServerUserRegistry). Each node publishes its own users'
 * comings and goings as they happen, its full list every `snapshotEveryMs` and whenever a node says
 * hello, over the configured broker: with the simple broker this is just the local registry; with the
 * relay every node sees every other. A node that stops answering (killed) is forgotten after three
 * periods, so its users go offline everywhere. Disconnect requests travel the same way.
 */
@Injectable()
export class ClusterUserRegistry implements Subscriber, OnModuleInit, OnModuleDestroy {
  /** This process, among the cluster's nodes. */
  readonly node = randomBytes(6).toString('hex');
  readonly sessionId = `system:user-registry:${this.node}`;
  private readonly logger = new Logger('ClusterUserRegistry');
  private readonly options: ClusterRegistryOptions;
  private readonly remote = new Map<string, { users: Set<string>; seen: number }>();
  /** Nodes (this one included) on which each user is signed in. */
  private readonly nodesByUser = new Map<string, Set<string>>();
  /** Doors other than STOMP (SSE, plain WebSocket) register how to end a user's connection here. */
  private readonly enders = new Map<string, Set<(reason: string) => void>>();
  private timer?: NodeJS.Timeout;
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
    for (const user of this.local.users()) this.mark(user, this.node, true);
    this.stopLocal = this.local.watch((user, online) => {
      this.mark(user, this.node, online);
      this.publish({ node: this.node, kind: online ? 'online' : 'offline', user });
    });
    this.timer = setInterval(() => this.tick(), this.options.snapshotEveryMs);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
    this.stopLocal?.();
    this.broker.unsubscribe(this.sessionId, 'user-registry');
  }

  /** The relay's subscription is (again) in effect: ask everyone for their lists, and give ours. */
  live(): void {
    this.publish({ node: this.node, kind: 'hello' });
    this.publishSnapshot();
  }

  /** True when the user has a session on any node. */
  isOnline(user: string): boolean {
    return this.nodesByUser.has(user);
  }

  /** Users with a session on any node. */
  users(): IterableIterator<string> {
    return this.nodesByUser.keys();
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

  private disconnected(user: string, reason: string): void {
    this.events?.emit(UserEvents.Disconnect, { user, reason } satisfies UserDisconnectEvent);
    for (const end of [...(this.enders.get(user) ?? [])]) end(reason);
  }

  deliver(message: BrokerMessage): void {
    let wire: Wire;
    try {
      wire = JSON.parse(message.body.toString('utf8')) as Wire;
    } catch {
      return;
    }
    if (typeof wire?.node !== 'string' || wire.node === this.node) return;
    const entry = this.entryOf(wire.node);
    switch (wire.kind) {
      case 'hello':
        return this.publishSnapshot();
      case 'snapshot': {
        if (!Array.isArray(wire.users)) return;
        const now = new Set(wire.users.filter((u): u is string => typeof u === 'string'));
        for (const user of entry.users) if (!now.has(user)) this.mark(user, wire.node, false);
        for (const user of now) this.mark(user, wire.node, true);
        return;
      }
      case 'online':
      case 'offline':
        if (typeof wire.user === 'string') this.mark(wire.user, wire.node, wire.kind === 'online');
        return;
      case 'disconnect':
        if (typeof wire.user === 'string') this.disconnected(wire.user, String(wire.reason ?? 'disconnected'));
        return;
    }
  }

  private entryOf(node: string): { users: Set<string>; seen: number } {
    let entry = this.remote.get(node);
    if (!entry) {
      entry = { users: new Set(), seen: 0 };
      this.remote.set(node, entry);
    }
    entry.seen = Date.now();
    return entry;
  }

  private mark(user: string, node: string, online: boolean): void {
    const users = node === this.node ? undefined : this.remote.get(node)?.users;
    if (online) users?.add(user);
    else users?.delete(user);
    let nodes = this.nodesByUser.get(user);
    if (online) {
      if (!nodes) {
        nodes = new Set();
        this.nodesByUser.set(user, nodes);
        nodes.add(node);
        this.events?.emit(UserEvents.Online, { user } satisfies UserPresenceEvent);
      } else nodes.add(node);
    } else if (nodes?.delete(node) && nodes.size === 0) {
      this.nodesByUser.delete(user);
      this.events?.emit(UserEvents.Offline, { user } satisfies UserPresenceEvent);
    }
  }

  private tick(): void {
    this.publishSnapshot();
    const silent = Date.now() - 3 * this.options.snapshotEveryMs;
    for (const [node, entry] of this.remote) {
      if (entry.seen >= silent) continue;
      this.logger.warn(`node ${node} has been silent for ${3 * this.options.snapshotEveryMs} ms: its ${entry.users.size} users are offline`);
      this.remote.delete(node);
      for (const user of entry.users) this.mark(user, node, false);
    }
  }

  private publishSnapshot(): void {
    this.publish({ node: this.node, kind: 'snapshot', users: [...this.local.users()] });
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
