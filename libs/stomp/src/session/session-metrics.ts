/** Counters the session bumps on its hot path; observability implements them with prom-client. */
export interface SessionMetrics {
  frameIn(): void;
  frameOut(): void;
  messageOut(): void;
  slowConsumer(): void;
  rateLimited(): void;
}

export const NO_METRICS: SessionMetrics = {
  frameIn() {}, frameOut() {}, messageOut() {}, slowConsumer() {}, rateLimited() {},
};

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
