import { allowedOrigins, type AppConfig } from '@app/config';
import type { SessionOptions, StompBrokerOptions } from '@app/stomp';

/** The STOMP session options from the environment schema: the library itself never reads AppConfig. */
export function sessionOptionsFrom(config: AppConfig): Partial<SessionOptions> {
  return {
    limits: { maxFrameBytes: config.MAX_FRAME_BYTES, maxHeaders: config.MAX_HEADERS, maxHeaderBytes: config.MAX_HEADER_BYTES },
    maxSubscriptions: config.MAX_SUBSCRIPTIONS,
    connectTimeoutMs: config.CONNECT_TIMEOUT_MS,
    sendBufferBytes: config.SEND_BUFFER_BYTES,
    sendTimeLimitMs: config.SEND_TIME_LIMIT_MS,
    rateLimitPerSec: config.RATE_LIMIT_PER_SEC,
    rateLimitBurst: config.RATE_LIMIT_BURST,
    maxTransactionBytes: config.MAX_TRANSACTION_BYTES,
  };
}

/** The chat server's broker: `/chat` with SockJS, `/app`, `/topic` + `/queue`, the relay when BROKER_RELAY is set. */
export function stompOptionsFrom(config: AppConfig): StompBrokerOptions {
  const origins = allowedOrigins(config);
  return {
    endpoints: [{ path: '/chat', sockjs: true }],
    applicationDestinationPrefix: '/app',
    brokerDestinationPrefixes: ['/topic', '/queue'],
    errorDestination: '/queue/errors',
    // Upstream frames carry our frames plus a few broker headers.
    relay: config.BROKER_RELAY ? { url: config.BROKER_RELAY, maxFrameBytes: config.MAX_FRAME_BYTES + 64 * 1024 } : undefined,
    heartbeat: [config.HEARTBEAT_MS, config.HEARTBEAT_MS],
    limits: sessionOptionsFrom(config),
    allowedOrigins: origins === '*' ? '*' : [...origins],
    publicOrigin: origins === '*' ? undefined : origins.own,
    logFrames: config.LOG_LEVEL === 'debug' || config.LOG_LEVEL === 'verbose',
    userRegistryBroadcastMs: config.USER_REGISTRY_BROADCAST_MS,
  };
}
