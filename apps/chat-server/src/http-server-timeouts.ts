import type { Server } from 'node:http';
import type { AppConfig } from '@app/config';

/** How often Node looks for requests past their timeouts (its default, 30 s, would add up to that much). */
const TIMEOUT_CHECK_MS = 1_000;

/**
 * Tightens Node's request timeouts (HTTP_HEADERS_TIMEOUT_MS, HTTP_REQUEST_TIMEOUT_MS; Node's defaults
 * hold partial headers 60 s and a missing body 300 s, checked every 30 s). Both count only until the
 * request has arrived, so streamed responses (SSE, held polls, SockJS streams) are not cut. Must run
 * before listen: Node starts its checker on 'listening' with the interval set then.
 */
export function applyHttpTimeouts(server: Server, config: AppConfig): void {
  server.requestTimeout = Math.max(config.HTTP_REQUEST_TIMEOUT_MS, config.HTTP_HEADERS_TIMEOUT_MS);
  server.headersTimeout = config.HTTP_HEADERS_TIMEOUT_MS;
  (server as Server & { connectionsCheckingInterval: number }).connectionsCheckingInterval = Math.min(
    TIMEOUT_CHECK_MS,
    config.HTTP_HEADERS_TIMEOUT_MS,
  );
}
