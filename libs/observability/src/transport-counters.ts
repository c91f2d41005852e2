/**
 * Plain numbers for one door and protocol (`websocket`/`stomp`, `sockjs`/`stomp`, `sse`/`sse`, `long-poll`/`http`,
 * `plain-ws`/`json`, `rest`/`http`), bumped on the hot path (`counters.framesOut++`): no label hashing,
 * no allocation per message. ChatMetrics copies them into prom-client metrics only when scraped.
 */
export class TransportCounters {
  /** Open connections (streams, sockets, held polls) right now. */
  connections = 0;
  framesIn = 0;
  framesOut = 0;
  /** Chat messages accepted from clients of this transport. */
  messagesIn = 0;
  /** Chat messages delivered to clients of this transport (one per receiving connection). */
  messagesOut = 0;
  /** Clients cut off because they read too slowly. */
  slowConsumerDisconnects = 0;
  /** Chat messages refused by the rate limit. */
  rateLimited = 0;
  /** Live subscriptions (STOMP SUBSCRIBEs, SSE streams, plain WebSocket rooms) right now. */
  subscriptions = 0;

  constructor(readonly door: string, readonly protocol: string) {}
}
