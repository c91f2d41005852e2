import { Module, type DynamicModule, type ModuleMetadata } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { StompSessionFactory } from './stomp-session.factory';
import { STOMP_ENDPOINT } from './stomp-endpoint.port';
import { DEFAULT_SESSION_OPTIONS, SESSION_OPTIONS, type SessionOptions } from './session-options';

/**
 * The STOMP endpoint for every transport, with its session options. Needs the messaging module's BROKER and user
 * destinations, and EventEmitterModule from the app; `imports` must bring a STOMP_APPLICATION provider
 * (the application sits above this library, so it is handed in rather than imported). Identity is the
 * AUTHENTICATOR provider's when there is one (the same one an app's other doors use), else a LoginAuthenticator.
 */
@Module({})
export class StompSessionModule {
  /** `optionsProvided`: SESSION_OPTIONS comes from elsewhere (StompBrokerModule) rather than `session`. */
  static forRoot(options: { imports: ModuleMetadata['imports']; session?: Partial<SessionOptions>; optionsProvided?: boolean }): DynamicModule {
    return {
      module: StompSessionModule,
      global: true,
      imports: [DiscoveryModule, ...(options.imports ?? [])],
      providers: [
        ...(options.optionsProvided ? [] : [{ provide: SESSION_OPTIONS, useValue: { ...DEFAULT_SESSION_OPTIONS, ...options.session } satisfies SessionOptions }]),
        StompSessionFactory,
        { provide: STOMP_ENDPOINT, useExisting: StompSessionFactory },
      ],
      exports: [StompSessionFactory, STOMP_ENDPOINT],
    };
  }
}
