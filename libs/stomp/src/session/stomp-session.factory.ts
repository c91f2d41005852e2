import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { BROKER, UserDestinations, UserSessionRegistry, type BrokerPort } from '@app/messaging';
import type { Connection } from './connection.port';
import type { StompEndpoint } from './stomp-endpoint.port';
import { STOMP_APPLICATION, type StompApplication } from './stomp-application.port';
import { SESSION_OPTIONS, type SessionOptions, type UserDestinationResolver } from './session-options';
import { NO_METRICS, type SessionMetrics } from './session-metrics';
import { StompSession, type SessionDeps } from './stomp-session';

/** Optional provider token: counters for the session's hot path. */
export const SESSION_METRICS = Symbol('SessionMetrics');

/** The StompEndpoint every transport opens sessions on; it also knows every live session (for shutdown). */
@Injectable()
export class StompSessionFactory implements StompEndpoint {
  private readonly logger = new Logger('StompSession');
  private readonly sessions = new Set<StompSession>();
  private readonly deps: SessionDeps;
  private readonly options: SessionOptions;

  constructor(
    @Inject(SESSION_OPTIONS) options: SessionOptions,
    @Inject(BROKER) broker: BrokerPort,
    userDestinations: UserDestinations,
    userSessions: UserSessionRegistry,
    @Inject(STOMP_APPLICATION) app: StompApplication,
    events: EventEmitter2,
    @Optional() @Inject(SESSION_METRICS) metrics?: SessionMetrics,
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
      events: { emit: (name, payload) => void events.emit(name, payload) },
      metrics: metrics ?? NO_METRICS,
      ended: (session) => this.sessions.delete(session),
      logError: (message, error) => this.logger.error(`${message}: ${error instanceof Error ? error.stack : String(error)}`),
    };
  }

  open(connection: Connection): StompSession {
    const session = new StompSession(connection, this.deps, this.options);
    this.sessions.add(session);
    return session;
  }

  get size(): number {
    return this.sessions.size;
  }

  /** Tells every client the server is going away (ERROR frame, then close). */
  shutdownAll(message = 'server shutting down'): void {
    for (const session of [...this.sessions]) session.shutdown(message);
  }
}
