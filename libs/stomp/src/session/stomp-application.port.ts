import type { StompHeaders, StompVersion } from '@app/stomp-codec';
import type { BrokerMessage } from '@app/messaging';
import type { Principal } from './authenticator.port';

/** What application code may know and do about the session that sent a frame. */
export interface SessionContext {
  readonly sessionId: string;
  readonly principal?: Principal;
  readonly version: StompVersion;
  readonly transport: string;
  readonly remoteAddress: string;
  /** Delivers one MESSAGE to one subscription of this session only (@SubscribeMapping replies). */
  sendToSubscription(subscriptionId: string, message: BrokerMessage): void;
  /**
   * Ends one of this session's subscriptions from the server side (the application no longer lets it
   * read there): nothing more is delivered on it, it stops counting against the session's limit, and
   * `error`, when given, goes to the session's error destination. STOMP has no frame for this; the
   * client learns it from the error. Unknown ids are ignored.
   */
  endSubscription?(subscriptionId: string, error?: ClientError): void;
}

/** A client-facing error for one SEND: goes to the session's `/user/queue/errors`, the session stays open. */
export interface ClientError {
  error: string;
  message: string;
  /** Set when a SEND or SUBSCRIBE was refused for its destination. */
  destination?: string;
}

/**
 * The application behind every STOMP session: `/app` destinations and the chat's rules for broker
 * destinations. The session owns the protocol; this owns meaning. (Identity is the Authenticator's, the
 * same one every other door uses.)
 */
export interface StompApplication {
  /**
   * A SEND to `/app/**`. Resolves true when handled (the session then sends RECEIPT), false when the
   * application already reported an error to the client.
   */
  handleSend(ctx: SessionContext, destination: string, headers: StompHeaders, body: Buffer): Promise<boolean>;
  /** A SUBSCRIBE to `/app/**`; may reply through ctx.sendToSubscription. Same result rule as handleSend. */
  handleSubscribe(ctx: SessionContext, subscriptionId: string, destination: string, headers: StompHeaders): Promise<boolean>;
  /**
   * Lets the application take over a broker subscription (e.g. a chat room with `since-id` replay and
   * recovery after relay outages). Returns the subscription, or undefined to let the session subscribe to
   * the broker itself. Throws a ClientError-shaped error to refuse the SUBSCRIBE.
   */
  openSubscription(
    ctx: SessionContext,
    subscriptionId: string,
    destination: string,
    headers: StompHeaders,
    deliver: (message: BrokerMessage) => void,
  ): AppSubscription | undefined;
  /** Delivers an error to this session's `/user/queue/errors`. */
  reportError(ctx: SessionContext, error: ClientError & { receiptId?: string }): void;
}

/** A subscription the application owns. */
export interface AppSubscription {
  stop(): void;
  /**
   * Resolves when the subscription is in effect (what is sent from then on reaches it); absent = now.
   * The SUBSCRIBE's RECEIPT waits for it.
   */
  readonly ready?: Promise<void>;
}

export const STOMP_APPLICATION = Symbol('StompApplication');
