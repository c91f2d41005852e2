import type { BrokerMessage } from './broker-message';
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
