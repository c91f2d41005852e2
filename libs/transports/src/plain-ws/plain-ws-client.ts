import type { WebSocket, RawData } from 'ws';
import { isChatError, type ChatApi } from '@app/chat';
import type { BrokerMessage } from '@app/messaging';
import type { TransportCounters } from '@app/observability';
import { TokenBucket, onPrincipalExpiry, type Principal } from '@app/stomp-session';

/** Close codes of the plain chat socket (RFC 6455 §7.4.1). */
export const PlainWsClose = {
  GoingAway: 1001,
  /** The token the socket was opened with has expired. */
  PolicyViolation: 1008,
  /** The client read too slowly (1013: try again later). */
  SlowConsumer: 1013,
} as const;

export interface PlainWsLimits {
  /** Unsent bytes above which the client is dropped (SEND_BUFFER_BYTES). */
  bufferBytes: number;
  /** How long a frame may wait unsent before the client is dropped (SEND_TIME_LIMIT_MS). */
  timeLimitMs: number;
  ratePerSec: number;
  burst: number;
}

/** After the close frame, how long a client that reads nothing gets before the socket is cut. */
const CLOSE_GRACE_MS = 1_000;

/**
 * One socket on `/ws/chat`: text frames `{from, text}` are posted to its room, every message of the
 * room is sent as the stored JSON; a signed-in client's `from` is its token's `sub`. Bad input is answered with `{error, message}` on the same socket,
 * which stays open. Sends are bounded in bytes and in time: a client that stops reading is dropped.
 */
export class PlainWsClient {
  /** Send times of frames not yet flushed to the kernel, oldest first (ws calls back in order). */
  private readonly unflushed: number[] = [];
  private readonly bucket: TokenBucket;
  private stopFollow: (() => void) | undefined;
  private deadline: NodeJS.Timeout | undefined;
  private readonly cancelExpiry: () => void;
  private closed = false;
  private readonly onFlushed = (): void => {
    this.unflushed.shift();
  };

  constructor(
    private readonly ws: WebSocket,
    private readonly room: string,
    private readonly principal: Principal | undefined,
    private readonly chat: ChatApi,
    private readonly limits: PlainWsLimits,
    private readonly counters: TransportCounters,
    private readonly onClosed: (client: PlainWsClient) => void,
  ) {
    this.bucket = new TokenBucket(limits.ratePerSec, limits.burst);
    ws.on('message', (data, isBinary) => this.receive(data, isBinary));
    ws.on('close', () => this.dispose());
    ws.on('error', () => this.dispose());
    this.cancelExpiry = onPrincipalExpiry(principal, () => this.close(PlainWsClose.PolicyViolation, 'token expired'));
    this.stopFollow = chat.follow(room, undefined, (message) => this.deliver(message));
    if (this.closed) this.stopFollow();
  }

  close(code: number, reason: string): void {
    if (this.closed) return;
    this.ws.close(code, reason);
    setTimeout(() => this.ws.terminate(), CLOSE_GRACE_MS).unref();
    this.dispose();
  }

  private deliver(message: BrokerMessage): void {
    if (this.closed) return;
    this.counters.messagesOut++;
    this.send(message.body);
  }

  private send(data: Buffer | string): void {
    if (this.ws.bufferedAmount > this.limits.bufferBytes) return this.dropSlow();
    this.counters.framesOut++;
    this.unflushed.push(performance.now());
    this.ws.send(data, { binary: false }, this.onFlushed);
    if (this.deadline === undefined) this.armDeadline(this.limits.timeLimitMs);
  }

  /** One timer per client while frames are pending, re-armed to the oldest one's deadline. */
  private armDeadline(ms: number): void {
    this.deadline = setTimeout(() => {
      this.deadline = undefined;
      if (this.closed || this.unflushed.length === 0) return;
      const waited = performance.now() - this.unflushed[0];
      if (waited >= this.limits.timeLimitMs) return this.dropSlow();
      this.armDeadline(this.limits.timeLimitMs - waited);
    }, ms);
  }

  private dropSlow(): void {
    if (this.closed) return;
    this.counters.slowConsumerDisconnects++;
    this.close(PlainWsClose.SlowConsumer, 'slow consumer');
  }

  private receive(data: RawData, isBinary: boolean): void {
    if (this.closed) return;
    this.counters.framesIn++;
    if (isBinary) return this.refuse('bad-frame', 'Send text frames holding JSON {"from","text"}.');
    let parsed: unknown;
    try {
      parsed = JSON.parse(rawText(data));
    } catch {
      return this.refuse('bad-json', 'The frame is not valid JSON.');
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      return this.refuse('bad-json', 'The frame must be a JSON object {"from","text"}.');
    }
    if (!this.bucket.take()) {
      this.counters.rateLimited++;
      return this.refuse('rate-limited', 'Too many messages; slow down.');
    }
    const { from, text } = parsed as { from?: unknown; text?: unknown };
    this.chat.post({ room: this.room, from, text }, this.principal?.name).then(
      () => this.counters.messagesIn++,
      (err: unknown) => {
        if (isChatError(err)) this.refuse(err.code, err.message);
        else this.refuse('internal-error', 'The server failed to handle the message.');
      },
    );
  }

  private refuse(error: string, message: string): void {
    if (!this.closed) this.send(JSON.stringify({ error, message }));
  }

  private dispose(): void {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.deadline);
    this.cancelExpiry?.();
    this.stopFollow?.();
    this.stopFollow = undefined;
    this.onClosed(this);
  }
}

function rawText(data: RawData): string {
  const bytes = Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(data);
  return bytes.toString('utf8');
}
