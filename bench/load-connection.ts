/** What a load-generator worker needs of one connection, whichever protocol it speaks (STOMP or Socket.IO). */
import type { InboundFrame } from './stomp-wire';

/** What one connection subscribes to while it opens: nothing (a publisher), one destination, or several. */
export type Subscriptions = string | readonly string[] | null;

export function subscriptionList(subscriptions: Subscriptions): readonly string[] {
  if (subscriptions === null) return [];
  return typeof subscriptions === 'string' ? [subscriptions] : subscriptions;
}

export interface ConnectionEvents {
  /** `frame`: the STOMP MESSAGE, for a caller that checks its headers. */
  onMessage(body: Buffer, frame?: InboundFrame): void;
  /** Anything that went wrong after setup: ERROR frames, unexpected closes. */
  onProblem(reason: string, fatal: boolean): void;
}

export interface LoadConnection {
  readonly isOpen: boolean;
  /** Bytes written but not yet sent: the publisher skips a send past a backlog rather than queue without bound. */
  readonly bufferedAmount: number;
  readonly heartbeatsIn: number;
  /** Resolves once connected, and subscribed (acknowledged) to every destination given, in that order. */
  open(heartbeatMs: number, subscriptions: Subscriptions, timeoutMs: number): Promise<void>;
  publish(destination: string, body: Buffer, contentType: string, receipted: boolean): void;
  /** Sends the client's heart-beat, where the protocol leaves it to the client. */
  heartbeat(): void;
  close(graceMs: number): Promise<void>;
}
