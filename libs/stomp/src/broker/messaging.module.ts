import {
  DynamicModule,
  Inject,
  Injectable,
  Logger,
  Module,
  OnApplicationBootstrap,
  OnApplicationShutdown,
  type InjectionToken,
  type ModuleMetadata,
  type OptionalFactoryDependency,
} from '@nestjs/common';
import { BROKER, type BrokerPort } from './broker.port';
import { MessagingTemplate } from './messaging.template';
import { SimpleBroker } from './simple.broker';
import { UserBroadcastListener } from '../user/user-broadcast.listener';
import { UserDestinations } from '../user/user-destinations';
import { UserSessionRegistry } from '../user/user-session.registry';
import { CLUSTER_REGISTRY_OPTIONS, ClusterUserRegistry, type ClusterRegistryOptions } from '../user/cluster-user.registry';

/** How the BrokerPort is made; e.g. broker-relay's `brokerFromConfig`, injected with AppConfig. */
export interface BrokerFactory {
  useFactory: (...args: any[]) => BrokerPort | Promise<BrokerPort>;
  inject?: (InjectionToken | OptionalFactoryDependency)[];
  imports?: ModuleMetadata['imports'];
}

export interface MessagingModuleOptions {
  /** Defaults to the in-process SimpleBroker. */
  broker?: BrokerFactory;
  /** The cluster user registry's timing; defaults to a snapshot every 10 s. */
  registry?: {
    useFactory: (...args: any[]) => Partial<ClusterRegistryOptions>;
    inject?: (InjectionToken | OptionalFactoryDependency)[];
  };
}

/** Starts the broker once every provider is ready and stops it last. */
@Injectable()
class BrokerLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Broker');
  constructor(@Inject(BROKER) private readonly broker: BrokerPort) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.broker.start();
    const health = this.broker.health();
    if (!health.up) this.logger.warn(`broker not up yet: ${health.detail ?? 'unknown'}`);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.broker.stop();
  }
}

/**
 * BROKER (the configured BrokerPort), the user destination pieces and MessagingTemplate, for the whole
 * application (global: any provider can inject MessagingTemplate or BROKER).
 */
@Module({})
export class MessagingModule {
  static forRoot(options: MessagingModuleOptions = {}): DynamicModule {
    const broker = options.broker ?? { useFactory: (): BrokerPort => new SimpleBroker() satisfies BrokerPort };
    return {
      module: MessagingModule,
      global: true,
      imports: broker.imports ?? [],
      providers: [
        { provide: BROKER, useFactory: broker.useFactory, inject: broker.inject ?? [] },
        UserSessionRegistry,
        UserDestinations,
        UserBroadcastListener,
        ClusterUserRegistry,
        { provide: CLUSTER_REGISTRY_OPTIONS, useFactory: options.registry?.useFactory ?? (() => ({})), inject: options.registry?.inject ?? [] },
        MessagingTemplate,
        BrokerLifecycle,
      ],
      exports: [BROKER, UserSessionRegistry, ClusterUserRegistry, UserDestinations, MessagingTemplate],
    };
  }
}
