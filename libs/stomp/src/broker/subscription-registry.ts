import type { Subscriber } from './broker.port';

/** One client subscription as the broker keeps it. */
export interface Subscription {
  readonly subscriber: Subscriber;
  readonly subscriptionId: string;
  readonly destination: string;
}

/** A subscription id that the session already uses; STOMP says ids are unique per connection. */
export class DuplicateSubscriptionError extends Error {
  override readonly name = 'DuplicateSubscriptionError';
  readonly code = 'duplicate-subscription';
  constructor(readonly sessionId: string, readonly subscriptionId: string) {
    super(`subscription id "${subscriptionId}" is already in use by this session`);
  }
}

const EMPTY: readonly Subscription[] = Object.freeze([]);

/**
 * Destination → subscriptions, matched literally: a destination is a Map key and nothing else, so no
 * client string ever becomes a pattern. Every lookup goes through Maps (no object keys: a destination or
 * id named `__proto__` is just a string).
 *
 * Publishing is the hot path (one publish, a thousand subscribers), so `find()` returns a cached, frozen
 * array: O(1) to get, as cheap as it gets to iterate, and a snapshot, so a subscriber that subscribes or
 * unsubscribes while a message is being delivered changes the next delivery, not this one. The snapshot
 * is rebuilt lazily on the first find() after a change, so subscription churn between publishes costs
 * one rebuild, not one per change.
 *
 * A duplicate subscription id within a session is refused (add() throws DuplicateSubscriptionError and
 * the first subscription stays): silently replacing it would move a client's subscription to another
 * destination behind its back.
 */
export class SubscriptionRegistry {
  private readonly byDestination = new Map<string, DestinationEntry>();
  private readonly bySession = new Map<string, Map<string, Subscription>>();
  private total = 0;

  /** Returns true when this is the destination's first subscription (a relay then subscribes upstream). */
  add(subscriber: Subscriber, subscriptionId: string, destination: string): boolean {
    let session = this.bySession.get(subscriber.sessionId);
    if (session?.has(subscriptionId)) throw new DuplicateSubscriptionError(subscriber.sessionId, subscriptionId);
    if (!session) {
      session = new Map();
      this.bySession.set(subscriber.sessionId, session);
    }
    const subscription: Subscription = { subscriber, subscriptionId, destination };
    session.set(subscriptionId, subscription);
    let entry = this.byDestination.get(destination);
    const first = entry === undefined;
    if (!entry) {
      entry = { members: new Set(), snapshot: EMPTY };
      this.byDestination.set(destination, entry);
    }
    entry.members.add(subscription);
    entry.snapshot = undefined;
    this.total++;
    return first;
  }

  /** Removes one subscription; returns it (or undefined if unknown). */
  remove(sessionId: string, subscriptionId: string): Subscription | undefined {
    const session = this.bySession.get(sessionId);
    const subscription = session?.get(subscriptionId);
    if (!session || !subscription) return undefined;
    session.delete(subscriptionId);
    if (session.size === 0) this.bySession.delete(sessionId);
    this.detach(subscription);
    return subscription;
  }

  /** Removes every subscription of a session (disconnect); returns what was removed. */
  removeAll(sessionId: string): Subscription[] {
    const session = this.bySession.get(sessionId);
    if (!session) return [];
    this.bySession.delete(sessionId);
    const removed = [...session.values()];
    for (const subscription of removed) this.detach(subscription);
    return removed;
  }

  /** Every subscription to exactly this destination; a frozen snapshot, never mutate or keep it. */
  find(destination: string): readonly Subscription[] {
    const entry = this.byDestination.get(destination);
    if (!entry) return EMPTY;
    return (entry.snapshot ??= Object.freeze([...entry.members]));
  }

  has(sessionId: string, subscriptionId: string): boolean {
    return this.bySession.get(sessionId)?.has(subscriptionId) ?? false;
  }

  /** How many subscriptions a session holds (the session enforces MAX_SUBSCRIPTIONS with it). */
  countFor(sessionId: string): number {
    return this.bySession.get(sessionId)?.size ?? 0;
  }

  hasSubscribers(destination: string): boolean {
    return this.byDestination.has(destination);
  }

  /** Destinations with at least one subscription (a relay re-subscribes these after a reconnect). */
  destinations(): IterableIterator<string> {
    return this.byDestination.keys();
  }

  /** All subscriptions, for metrics. */
  get size(): number {
    return this.total;
  }

  private detach(subscription: Subscription): void {
    const entry = this.byDestination.get(subscription.destination);
    if (!entry || !entry.members.delete(subscription)) return;
    this.total--;
    if (entry.members.size === 0) this.byDestination.delete(subscription.destination);
    else entry.snapshot = undefined;
  }
}

interface DestinationEntry {
  readonly members: Set<Subscription>;
  snapshot: readonly Subscription[] | undefined;
}
