import type { WebSocket, RawData } from 'ws';
import { followRefusal, isChatError, type ChatApi, type ChatError } from '@app/chat';
import type { BrokerMessage } from '@app/messaging';
import type { TransportCounters } from '@app/observability';
import {
  CLOSE_GRACE_MS, CloseCode, InboundWindow, MAX_UNANSWERED_FRAMES, SendLimit, TokenBucket, onPrincipalExpiry, type Principal, type SendLimits,
} from '@app/stomp-session';

/** Close codes of the plain chat socket: the library's one catalogue (RFC 6455 §7.4.1). */
export const PlainWsClose = CloseCode;

const TEXT = { binary: false } as const;

export interface PlainWsLimits extends SendLimits {
  ratePerSec: number;
  burst: number;
}


/**
 * One socket on `/ws/chat`: text frames `{from, text}` are posted to its room, every message of the
 * room is sent as the stored JSON; a signed-in client's `from` is its token's `sub`. Bad input is answered with `{error, message}` on the same socket,
 * which stays open. Sends are bounded in bytes and in time: a client that stops reading is dropped.
 */
export class PlainWsClient {
  private readonly bucket: TokenBucket;
  private readonly sendLimit: SendLimit;
  /** Posts whose answer is owed (stored, or refused): past the window the socket is not read. */
  private readonly inbound: InboundWindow<[RawData, boolean]>;
  private stopFollow: (() => void) | undefined;
  private readonly cancelExpiry: () => void;
  private closed = false;

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
    this.sendLimit = new SendLimit(limits, () => ws.bufferedAmount, () => {
      this.counters.slowConsumerDisconnects++;
      this.close(CloseCode.SlowConsumer, 'slow consumer');
    });
    this.inbound = new InboundWindow(MAX_UNANSWERED_FRAMES, ([data, isBinary]) => this.receive(data, isBinary), ws);
    ws.on('message', (data, isBinary) => this.inbound.offer([data, isBinary]));
    ws.on('close', () => this.dispose());
    ws.on('error', () => this.dispose());
    this.cancelExpiry = onPrincipalExpiry(principal, () => this.close(PlainWsClose.PolicyViolation, 'token expired'));
    try {
      // For its principal: when they may no longer read the room (removed, the room made private, banned) it closes.
      this.stopFollow = chat.follow(room, undefined, (message) => this.deliver(message), {
        caller: principal,
        onRevoked: (reason) => this.revoked(reason),
      });
    } catch (error) {
      if (!isChatError(error)) throw error;
      this.revoked(error);
    }
    if (this.closed) this.stopFollow?.();
  }

  private revoked(reason: ChatError): void {
    this.stopFollow = undefined;
    const { error, message } = followRefusal(reason, `room ${this.room}`);
    this.refuse(error, message);
    this.close(PlainWsClose.PolicyViolation, error);
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
    if (this.sendLimit.isDropped) return;
    this.counters.framesOut++;
    this.ws.send(data, TEXT);
    this.sendLimit.written(typeof data === 'string' ? Buffer.byteLength(data) : data.length);
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
    const answered = this.inbound.owe();
    this.chat.post({ room: this.room, from, text }, this.principal).then(
      () => this.counters.messagesIn++,
      (err: unknown) => {
        if (isChatError(err)) this.refuse(err.code, err.message);
        else this.refuse('internal-error', 'The server failed to handle the message.');
      },
    ).finally(answered);
  }

  private refuse(error: string, message: string): void {
    if (!this.closed) this.send(JSON.stringify({ error, message }));
  }

  private dispose(): void {
    if (this.closed) return;
    this.closed = true;
    this.sendLimit.stop();
    this.inbound.close();
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
