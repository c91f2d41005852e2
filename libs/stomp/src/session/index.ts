export type { Connection } from './connection.port';
export { STOMP_ENDPOINT, type SessionHandle, type StompEndpoint } from './stomp-endpoint.port';
export {
  AUTHENTICATOR,
  AuthenticationError,
  bearerToken,
  connectCredentials,
  type Authenticator,
  type Credentials,
  type Principal,
} from './authenticator.port';
export { LoginAuthenticator } from './login.authenticator';
export { onPrincipalExpiry } from './principal-expiry';
export {
  STOMP_APPLICATION, type AppSubscription, type ClientError, type SessionContext, type StompApplication,
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
export { MAX_UNANSWERED_FRAMES, StompSession, type SessionDeps } from './stomp-session';
export { SESSION_METRICS, STOMP_BUILTIN_INTERCEPTORS, StompSessionFactory } from './stomp-session.factory';
export { StompSessionModule } from './stomp-session.module';
export { StompClientError, clientErrorOf } from './client-error';
export { STOMP_INTERCEPTOR, StompInterceptor, type StompChannelInterceptor } from './channel-interceptor.port';
export { TokenBucket } from './token-bucket';
export { CLOSE_GRACE_MS, SendLimit, type SendLimits } from './send-limit';
export { InboundWindow, type InboundFlow } from './inbound-window';
