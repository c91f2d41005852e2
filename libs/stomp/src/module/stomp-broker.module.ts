import { Module, type Type, type DynamicModule, type InjectionToken, type ModuleMetadata, type OptionalFactoryDependency, type Provider } from '@nestjs/common';
import { EventEmitterModule } from '@nestjs/event-emitter';
import { MessagingModule, SimpleBroker, type BrokerPort } from '@app/messaging';
import { StompRelayBroker } from '@app/broker-relay';
import { MessageRoutingModule, ROUTING_OPTIONS, type RoutingOptions } from '@app/message-routing';
import {
  AUTHENTICATOR, DEFAULT_SESSION_OPTIONS, SESSION_OPTIONS, STOMP_APPLICATION, STOMP_BUILTIN_INTERCEPTORS, StompSessionModule,
  type Authenticator, type SessionOptions, type StompChannelInterceptor,
} from '@app/stomp-session';
import { ConnectionLimiter } from '@app/stomp-transport';
import { DestinationAuthorization } from '../security';
import { RouterStompApplication } from './router-stomp.application';
import { STOMP_ENDPOINT_ATTACH, StompEndpointServer } from './stomp-endpoint.server';
import { StompTcpServer } from './stomp-tcp.server';
import { STOMP_BROKER_OPTIONS, resolveOptions, type ResolvedStompBrokerOptions, type StompBrokerOptions } from './stomp-broker.options';

export interface StompBrokerModuleExtras {
  /** Modules that bring the application's providers (handlers are found in every module by discovery). */
  imports?: ModuleMetadata['imports'];
  /** A module exporting STOMP_APPLICATION to replace the default (router + open broker destinations). */
  application?: ModuleMetadata['imports'];
  /** Attach the endpoints to Nest's HTTP server by itself (default true); false when the app calls `attach`. */
  attach?: boolean;
  /**
   * Who a client is (provided as AUTHENTICATOR, for the app's other doors too). Without it and without an
   * AUTHENTICATOR provider of the app's own, the CONNECT `login` header names the user.
   */
  authenticator?: Type<Authenticator>;
}

export interface StompBrokerAsyncOptions extends StompBrokerModuleExtras {
  inject?: (InjectionToken | OptionalFactoryDependency)[];
  useFactory: (...args: any[]) => StompBrokerOptions | Promise<StompBrokerOptions>;
}

/**
 * Spring's @EnableWebSocketMessageBroker for Nest: the broker (simple or relay), user destinations,
 * STOMP sessions, @MessageMapping discovery, the endpoints and the TCP/TLS listeners, configured only by
 * StompBrokerOptions.
 *
 *   StompBrokerModule.forRoot({ endpoints: [{ path: '/gs-guide-websocket', sockjs: true }] })
 */
@Module({})
export class StompBrokerModule {
  static forRoot(options: StompBrokerOptions = {}, extras: StompBrokerModuleExtras = {}): DynamicModule {
    return this.build({ provide: STOMP_BROKER_OPTIONS, useValue: resolveOptions(options) }, extras);
  }

  static forRootAsync(options: StompBrokerAsyncOptions): DynamicModule {
    return this.build(
      {
        provide: STOMP_BROKER_OPTIONS,
        inject: options.inject ?? [],
        useFactory: async (...args: unknown[]) => resolveOptions(await options.useFactory(...args)),
      },
      options,
    );
  }

  private static build(optionsProvider: Provider, extras: StompBrokerModuleExtras): DynamicModule {
    const optionsModule: DynamicModule = {
      module: class StompBrokerOptionsModule {},
      global: true,
      imports: [...(extras.imports ?? [])],
      providers: [
        optionsProvider,
        {
          provide: SESSION_OPTIONS,
          inject: [STOMP_BROKER_OPTIONS],
          useFactory: (o: ResolvedStompBrokerOptions): SessionOptions => ({
            ...DEFAULT_SESSION_OPTIONS,
            ...o.session,
            applicationPrefix: o.applicationDestinationPrefix,
            brokerPrefixes: o.brokerDestinationPrefixes,
          }),
        },
        {
          provide: ROUTING_OPTIONS,
          inject: [STOMP_BROKER_OPTIONS],
          useFactory: (o: ResolvedStompBrokerOptions): RoutingOptions => ({
            applicationPrefix: o.applicationDestinationPrefix,
            errorDestination: o.errorDestination,
            defaultBrokerPrefix: o.brokerDestinationPrefixes[0] ?? '/topic',
          }),
        },
        { provide: STOMP_ENDPOINT_ATTACH, useValue: extras.attach ?? true },
        ...(extras.authenticator ? [{ provide: AUTHENTICATOR, useClass: extras.authenticator }] : []),
        {
          provide: STOMP_BUILTIN_INTERCEPTORS,
          inject: [STOMP_BROKER_OPTIONS],
          useFactory: (o: ResolvedStompBrokerOptions): StompChannelInterceptor[] =>
            o.authorization.length > 0 ? [new DestinationAuthorization(o.authorization)] : [],
        },
      ],
      exports: [
        STOMP_BROKER_OPTIONS, SESSION_OPTIONS, ROUTING_OPTIONS, STOMP_ENDPOINT_ATTACH, STOMP_BUILTIN_INTERCEPTORS,
        ...(extras.authenticator ? [AUTHENTICATOR] : []),
      ],
    };
    const defaultApplication: DynamicModule = {
      module: class DefaultStompApplicationModule {},
      imports: [MessageRoutingModule],
      providers: [
        RouterStompApplication,
        { provide: STOMP_APPLICATION, useExisting: RouterStompApplication },
      ],
      exports: [STOMP_APPLICATION],
    };
    return {
      module: StompBrokerModule,
      global: true,
      imports: [
        optionsModule,
        EventEmitterModule.forRoot(),
        MessagingModule.forRoot({
          broker: {
            inject: [STOMP_BROKER_OPTIONS],
            useFactory: (o: ResolvedStompBrokerOptions): BrokerPort => (o.relay ? new StompRelayBroker(o.relay) : new SimpleBroker()),
          },
          registry: { inject: [STOMP_BROKER_OPTIONS], useFactory: (o: ResolvedStompBrokerOptions) => ({ snapshotEveryMs: o.userRegistryBroadcastMs }) },
        }),
        MessageRoutingModule,
        StompSessionModule.forRoot({ imports: extras.application ?? [defaultApplication], optionsProvided: true }),
      ],
      providers: [
        StompEndpointServer,
        StompTcpServer,
        {
          provide: ConnectionLimiter,
          inject: [STOMP_BROKER_OPTIONS],
          useFactory: (o: ResolvedStompBrokerOptions) => new ConnectionLimiter(o.maxConnectionsPerAddress),
        },
      ],
      exports: [StompEndpointServer, StompTcpServer, ConnectionLimiter, MessageRoutingModule],
    };
  }
}
