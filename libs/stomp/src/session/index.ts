export type { Connection } from './connection.port';
export { STOMP_ENDPOINT, type SessionHandle, type StompEndpoint } from './stomp-endpoint.port';
export {
  AuthenticationError,
  STOMP_APPLICATION,
  type ClientError,
  type Principal,
  type SessionContext,
  type StompApplication,
} from './stomp-application.port';
export {
  StompEvents,
  type SessionConnectedEvent,
  type SessionDisconnectedEvent,
  type SessionEventSink,
  type SessionSubscriptionEvent,
} from './session-events';
export { DEFAULT_SESSION_OPTIONS, SESSION_OPTIONS, type SessionOptions, type UserDestinationResolver } from './session-options';
export { CloseCode, NO_METRICS, doorOf, type SessionMeter, type SessionMetrics } from './session-metrics';
export { StompSession, type SessionDeps } from './stomp-session';
export { SESSION_METRICS, STOMP_BUILTIN_INTERCEPTORS, StompSessionFactory } from './stomp-session.factory';
export { StompSessionModule } from './stomp-session.module';
export { StompClientError, clientErrorOf } from './client-error';
export { STOMP_INTERCEPTOR, StompInterceptor, type StompChannelInterceptor } from './channel-interceptor.port';
