import { allowedOrigins, type AppConfig } from '@app/config';
import type { SessionOptions, StompBrokerOptions, StompTcpListenerOptions } from '@app/stomp';
import { tlsCredentials } from './tls-credentials';

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

/** STOMP_TCP_PORT and STOMP_TLS_PORT (with TLS_CERT_FILE/TLS_KEY_FILE) on HOST, like the HTTP port. */
export function tcpListenersFrom(config: AppConfig): StompTcpListenerOptions[] {
  const listeners: StompTcpListenerOptions[] = [];
  if (config.STOMP_TCP_PORT !== undefined) listeners.push({ port: config.STOMP_TCP_PORT, host: config.HOST });
  const tls = tlsCredentials(config);
  if (config.STOMP_TLS_PORT !== undefined && tls) listeners.push({ port: config.STOMP_TLS_PORT, host: config.HOST, tls });
  return listeners;
}

/**
 * The chat server's broker: `/chat` with SockJS, `/app`, `/topic` + `/queue`, the relay when BROKER_RELAY
 * is set, STOMP over TCP/TLS when their ports are. MAX_CONNECTIONS_PER_IP is the library's one
 * ConnectionLimiter, which the HTTP server's connections count against too (TransportGateway).
 */
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
    tcp: tcpListenersFrom(config),
    maxConnectionsPerAddress: config.MAX_CONNECTIONS_PER_IP,
  };
}
