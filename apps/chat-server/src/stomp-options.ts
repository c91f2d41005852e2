import type { AppConfig } from '@app/config';
import type { SessionOptions } from '@app/stomp';

/** The STOMP session options from the environment schema: the library itself never reads AppConfig. */
export function sessionOptionsFrom(config: AppConfig): Partial<SessionOptions> {
  return {
    limits: { maxFrameBytes: config.MAX_FRAME_BYTES, maxHeaders: config.MAX_HEADERS, maxHeaderBytes: config.MAX_HEADER_BYTES },
    maxSubscriptions: config.MAX_SUBSCRIPTIONS,
    connectTimeoutMs: config.CONNECT_TIMEOUT_MS,
    heartbeatMs: config.HEARTBEAT_MS,
    sendBufferBytes: config.SEND_BUFFER_BYTES,
    sendTimeLimitMs: config.SEND_TIME_LIMIT_MS,
    rateLimitPerSec: config.RATE_LIMIT_PER_SEC,
    rateLimitBurst: config.RATE_LIMIT_BURST,
    maxTransactionBytes: config.MAX_TRANSACTION_BYTES,
  };
}
