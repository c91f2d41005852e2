import { Inject, Injectable, Logger, Optional, type OnModuleInit } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import { EventEmitter2, OnEvent } from '@nestjs/event-emitter';
import { UserEvents, type UserDisconnectEvent } from '../user/cluster-user.registry';
import { BROKER, UserDestinations, UserSessionRegistry, type BrokerPort } from '@app/messaging';
import type { Connection } from './connection.port';
import type { StompEndpoint } from './stomp-endpoint.port';
import { STOMP_APPLICATION, type StompApplication } from './stomp-application.port';
import { AUTHENTICATOR, type Authenticator } from './authenticator.port';
import { LoginAuthenticator } from './login.authenticator';
import { SESSION_OPTIONS, type SessionOptions, type UserDestinationResolver } from './session-options';
import { NO_METRICS, type SessionMetrics } from './session-metrics';
import { StompSession, type SessionDeps } from './stomp-session';
import { SessionLog } from './session-log';
import { STOMP_INTERCEPTOR, type StompChannelInterceptor } from './channel-interceptor.port';

/** Optional provider token: interceptors that run before every discovered one (destination rules). */
export const STOMP_BUILTIN_INTERCEPTORS = Symbol('StompBuiltinInterceptors');

/** Optional provider token: counters for the session's hot path. */
export const SESSION_METRICS = Symbol('SessionMetrics');

/** The StompEndpoint every transport opens sessions on; it also knows every live session (for shutdown). */
@Injectable()
export class StompSessionFactory implements StompEndpoint, OnModuleInit {
  private readonly logger = new Logger('StompSession');
  private readonly sessions = new Set<StompSession>();
  private readonly deps: SessionDeps & { interceptors: StompChannelInterceptor[] };
  private readonly options: SessionOptions;

  constructor(
    @Inject(SESSION_OPTIONS) options: SessionOptions,
    @Inject(BROKER) broker: BrokerPort,
    userDestinations: UserDestinations,
    userSessions: UserSessionRegistry,
    @Inject(STOMP_APPLICATION) app: StompApplication,
    events: EventEmitter2,
    private readonly discovery: DiscoveryService,
    @Optional() @Inject(SESSION_METRICS) metrics?: SessionMetrics,
    @Optional() @Inject(STOMP_BUILTIN_INTERCEPTORS) private readonly builtin: readonly StompChannelInterceptor[] = [],
    @Optional() @Inject(AUTHENTICATOR) authenticator?: Authenticator,
  ) {
    this.options = options;
    const users: UserDestinationResolver = {
      subscriptionTarget: (sessionId, destination) =>
        userDestinations.isUserDestination(destination)
          ? userDestinations.resolveSubscribe(destination, sessionId).brokerDestination
          : undefined,
      isPrivate: (destination) => userDestinations.isReservedDestination(destination),
      connected: (sessionId, user) => user !== undefined && userSessions.add(user, sessionId),
      disconnected: (sessionId) => void userSessions.remove(sessionId),
    };
    this.deps = {
      broker,
      users,
      app,
      authenticator: authenticator ?? new LoginAuthenticator(),
      events: { emit: (name, payload) => void events.emit(name, payload) },
      log: new SessionLog(options.logFrames ?? false),
      metrics: metrics ?? NO_METRICS,
      interceptors: [],
      ended: (session) => this.sessions.delete(session),
      logError: (message, error) => this.logger.error(`${message}: ${error instanceof Error ? error.stack : String(error)}`),
    };
  }

  /** Every provider marked @StompInterceptor(), by `order`, after the built-in ones. */
  onModuleInit(): void {
    const found: { order: number; interceptor: StompChannelInterceptor }[] = [];
    for (const wrapper of this.discovery.getProviders()) {
      const meta = wrapper.metatype ? Reflect.getMetadata(STOMP_INTERCEPTOR, wrapper.metatype) : undefined;
      if (meta && wrapper.instance) found.push({ order: meta.order, interceptor: wrapper.instance as StompChannelInterceptor });
    }
    found.sort((a, b) => a.order - b.order);
    this.deps.interceptors = [...this.builtin, ...found.map((f) => f.interceptor)];
  }

  open(connection: Connection): StompSession {
    const session = new StompSession(connection, this.deps, this.options);
    this.sessions.add(session);
    return session;
  }

  /** Every node gets this for a cluster-wide disconnect; each ends the user's sessions it holds. */
  @OnEvent(UserEvents.Disconnect)
  disconnectUser(event: UserDisconnectEvent): void {
    for (const session of [...this.sessions]) if (session.principal?.name === event.user) session.disconnect(event.reason);
  }

  get size(): number {
    return this.sessions.size;
  }

  /** Tells every client the server is going away (ERROR frame, then close). */
  shutdownAll(message = 'server shutting down'): void {
    for (const session of [...this.sessions]) session.shutdown(message);
  }
}
