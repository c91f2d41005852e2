import type { BrokerMessage } from './broker-message';
import type { Subscriber } from './broker.port';
import type { Subscription } from './subscription-registry';

export type DeliveryErrorHandler = (error: unknown, subscription: Subscription, message: BrokerMessage) => void;

/**
 * Hands one message object to every subscription, in subscription order. A subscriber that throws is
 * reported and skipped: one broken connection must not starve the others.
 */
export function fanOut(
  subscriptions: readonly Subscription[],
  message: BrokerMessage,
  onError: DeliveryErrorHandler,
): number {
  let delivered = 0;
  for (const subscription of subscriptions) {
    try {
      subscription.subscriber.deliver(message, subscription.subscriptionId);
      delivered++;
    } catch (error) {
      try {
        onError(error, subscription, message);
      } catch {
        // An error handler that throws must not turn one bad subscriber into a lost publish.
      }
    }
  }
  return delivered;
}

/** Tells a subscriber its subscription is live (Subscriber.live); a throwing subscriber is only logged. */
export function callLive(subscriber: Subscriber, subscriptionId: string, logger: { warn(message: string): void }): void {
  if (!subscriber.live) return;
  try {
    subscriber.live(subscriptionId);
  } catch (error) {
    logger.warn(`subscriber ${subscriber.sessionId} failed on live(): ${error instanceof Error ? error.message : String(error)}`);
  }
}
