/**
 * Counters one session bumps on its hot path, under its door (`websocket`, `sockjs`, `tcp`, ...) and
 * protocol (`stomp`). The application implements them (the chat with prom-client); the library only counts.
 */
export interface SessionMeter {
  frameIn(): void;
  frameOut(): void;
  /** A SEND accepted: handled by the application or published to the broker. */
  messageIn(): void;
  messageOut(): void;
  subscribed(): void;
  unsubscribed(): void;
  slowConsumer(): void;
  rateLimited(): void;
  /** The connection is gone (opened is implied by `open`). */
  closed(): void;
}

export interface SessionMetrics {
  /** Called once per session when its connection is accepted. */
  open(door: string, protocol: string): SessionMeter;
}

const NO_METER: SessionMeter = {
  frameIn() {}, frameOut() {}, messageIn() {}, messageOut() {}, subscribed() {}, unsubscribed() {}, slowConsumer() {}, rateLimited() {}, closed() {},
};
export const NO_METRICS: SessionMetrics = { open: () => NO_METER };

/** The door a transport name belongs to: every SockJS transport is the `sockjs` door, TCP and TLS the `tcp` door. */
export function doorOf(transport: string): string {
  if (transport.startsWith('sockjs')) return 'sockjs';
  return transport === 'tcp-tls' ? 'tcp' : transport;
}

/** WebSocket close codes the session asks its transport for. */
export const CloseCode = {
  Normal: 1000,
  GoingAway: 1001,
  ProtocolError: 1002,
  PolicyViolation: 1008,
  /** A fault of ours while serving this session: it ends, the process and other sessions go on. */
  InternalError: 1011,
  /** The client did not read fast enough (1013: try again later). */
  SlowConsumer: 1013,
} as const;
