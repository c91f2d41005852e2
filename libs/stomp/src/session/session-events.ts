/**
 * Session lifecycle events, as Spring's SessionConnectedEvent and friends. Emitted through
 * @nestjs/event-emitter under these names; any provider can listen with @OnEvent(StompEvents.Connected).
 */
export const StompEvents = {
  Connected: 'stomp.session.connected',
  Subscribed: 'stomp.session.subscribed',
  Unsubscribed: 'stomp.session.unsubscribed',
  Disconnected: 'stomp.session.disconnected',
} as const;

export interface SessionConnectedEvent {
  sessionId: string;
  user?: string;
  version: string;
  transport: string;
}
export interface SessionSubscriptionEvent {
  sessionId: string;
  user?: string;
  subscriptionId: string;
  destination: string;
}
export interface SessionDisconnectedEvent {
  sessionId: string;
  user?: string;
  /** Why the session ended: 'disconnect', 'closed', 'error', 'heartbeat-timeout', 'slow-consumer', ... */
  reason: string;
}

/** The one way a session tells the outside world what happened; no Nest inside the session itself. */
export interface SessionEventSink {
  emit(event: string, payload: SessionConnectedEvent | SessionSubscriptionEvent | SessionDisconnectedEvent): void;
}
