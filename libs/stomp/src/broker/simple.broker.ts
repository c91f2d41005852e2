import { Logger } from '@nestjs/common';
import type { BrokerMessage } from './broker-message';
import type { BrokerHealth, BrokerPort, Subscriber } from './broker.port';
import { callLive, fanOut, type DeliveryErrorHandler } from './fan-out';
import { SubscriptionRegistry } from './subscription-registry';

export interface SimpleBrokerOptions {
  /** Called when a subscriber's deliver() throws; the default logs a warning. */
  onDeliveryError?: DeliveryErrorHandler;
}

/**
 * The in-process broker: publish() fans out synchronously to every local subscriber of exactly that
 * destination. The message object is shared by all subscribers (encoders cache their output on it).
 */
export class SimpleBroker implements BrokerPort {
  private readonly logger = new Logger('SimpleBroker');
  readonly registry = new SubscriptionRegistry();
  private readonly onDeliveryError: DeliveryErrorHandler;

  constructor(options: SimpleBrokerOptions = {}) {
    this.onDeliveryError =
      options.onDeliveryError ??
      ((error, subscription) =>
        this.logger.warn(
          `delivery to session ${subscription.subscriber.sessionId} failed: ${error instanceof Error ? error.message : String(error)}`,
        ));
  }

  /** Throws DuplicateSubscriptionError when the session already uses `subscriptionId`. */
  subscribe(subscriber: Subscriber, subscriptionId: string, destination: string): void {
    this.registry.add(subscriber, subscriptionId, destination);
    // In effect at once: nothing published before this point was meant for it.
    callLive(subscriber, subscriptionId, this.logger);
  }

  unsubscribe(sessionId: string, subscriptionId: string): void {
    this.registry.remove(sessionId, subscriptionId);
  }

  unsubscribeAll(sessionId: string): void {
    this.registry.removeAll(sessionId);
  }

  publish(message: BrokerMessage): void {
    fanOut(this.registry.find(message.destination), message, this.onDeliveryError);
  }

  /** Subscriptions a session holds (for MAX_SUBSCRIPTIONS). */
  subscriptionCount(sessionId: string): number {
    return this.registry.countFor(sessionId);
  }

  health(): BrokerHealth {
    return { up: true, detail: 'simple' };
  }

  async start(): Promise<void> {}

  async stop(): Promise<void> {}
}
