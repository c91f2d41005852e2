/** Timings of the HTTP doors that are not in the environment contract; overridable for tests. */
export interface HttpTransportOptions {
  /** Comment heart-beat interval for every SSE stream (the contract: at least every 15 s). */
  sseHeartbeatMs: number;
  /** The `retry:` sent first on every SSE stream. */
  sseRetryMs: number;
  /** Long-poll hold when the client names none, and the most it may ask for (seconds). */
  pollDefaultTimeoutSec: number;
  pollMaxTimeoutSec: number;
  /** Most messages one long-poll answer carries. */
  pollMaxMessages: number;
}

export const DEFAULT_HTTP_TRANSPORT_OPTIONS: HttpTransportOptions = {
  sseHeartbeatMs: 15_000,
  sseRetryMs: 2_000,
  pollDefaultTimeoutSec: 25,
  pollMaxTimeoutSec: 60,
  pollMaxMessages: 500,
};

export const HTTP_TRANSPORT_OPTIONS = Symbol('HttpTransportOptions');
