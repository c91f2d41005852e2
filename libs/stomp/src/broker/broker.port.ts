import type { BrokerMessage } from './broker-message';

/** One local receiver of messages (a STOMP session, an SSE stream, a plain WebSocket, a long poll). */
export interface Subscriber {
  /** Unique per process; the registry keys subscriptions by (sessionId, subscriptionId). */
  readonly sessionId: string;
  deliver(message: BrokerMessage, subscriptionId: string): void;
  /**
   * The broker now delivers this subscription's messages: at once for the in-process broker (inside
   * subscribe()), for a relay when the upstream subscription is confirmed, and again after every
   * reconnect. What was published before it (while a relay was away) may never arrive: a subscriber
   * that can fetch what it missed from a store does it here (#12).
   */
  live?(subscriptionId: string): void;
}

export interface BrokerHealth {
  up: boolean;
  detail?: string;
}

/**
 * The seam between the application and whatever fans messages out: the in-process simple broker or
 * the relay to an external STOMP broker. Destinations are matched literally (no wildcards): a
 * destination a client sends never becomes a pattern.
 */
export interface BrokerPort {
  subscribe(subscriber: Subscriber, subscriptionId: string, destination: string): void;
  unsubscribe(sessionId: string, subscriptionId: string): void;
  /** Drops every subscription of a session. */
  unsubscribeAll(sessionId: string): void;
  publish(message: BrokerMessage): void;
  health(): BrokerHealth;
  /**
   * Resolves once every subscribe() made before the call (to `destination` only, when given) is in effect
   * at the broker, so that a message published afterwards reaches it (a relay subscribes upstream
   * asynchronously). Also resolves when the subscription is dropped or the broker stops. Absent = immediate.
   */
  whenSubscribed?(destination?: string): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** Nest injection token for the configured BrokerPort. */
export const BROKER = Symbol('BrokerPort');
