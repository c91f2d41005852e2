import { AppConfig } from '@app/config';
import { SimpleBroker, type BrokerFactory, type BrokerPort } from '@app/messaging';
import { StompRelayBroker } from '@app/broker-relay';

/** The broker the configuration asks for: the relay when BROKER_RELAY is set, else the simple broker. */
export function brokerFromConfig(config: AppConfig): BrokerPort {
  if (!config.BROKER_RELAY) return new SimpleBroker() satisfies BrokerPort;
  return new StompRelayBroker({
    url: config.BROKER_RELAY,
    // Upstream frames carry our frames plus a few broker headers.
    maxFrameBytes: config.MAX_FRAME_BYTES + 64 * 1024,
  }) satisfies BrokerPort;
}

/**
 * For the app module: `MessagingModule.forRoot({ broker: BROKER_FROM_CONFIG })`. Needs AppConfig to be
 * injectable (ConfigModule.forRoot is global).
 */
export const BROKER_FROM_CONFIG: BrokerFactory = { useFactory: brokerFromConfig, inject: [AppConfig] };
