import type { ServerResponse } from 'node:http';
import type { BrokerMessage } from '@app/messaging';
import type { TransportCounters } from '@app/observability';
import { SendLimit, type SendLimits } from '@app/stomp-session';
import { sseEvent, SSE_HEARTBEAT } from './sse-encoding';

export type { SendLimits };

/**
 * One open event stream. Headers go out lazily on the first write, so a handler can still refuse the
 * request (400) until it calls `open()`. A reader that lets unsent bytes pile up past the limit, or
 * stays blocked too long, is cut off: it costs memory every other stream would pay for.
 */
export class SseStream {
  private started = false;
  private closed = false;
  private readonly sendLimit: SendLimit;
  private stopFollow: (() => void) | undefined;

  constructor(
    private readonly res: ServerResponse,
    private readonly retryMs: number,
    limits: SendLimits,
    private readonly counters: TransportCounters,
    private readonly onClosed: (stream: SseStream) => void,
  ) {
    this.sendLimit = new SendLimit(limits, () => res.writableLength, () => this.cutOff());
    res.on('close', () => this.dispose());
  }

  get isOpen(): boolean {
    return !this.closed;
  }

  /** Sends the headers and `retry:` now (a stream with nothing to replay must still start). */
  open(stopFollow: () => void): void {
    if (this.closed) return stopFollow();
    this.stopFollow = stopFollow;
    this.start();
  }

  deliver(message: BrokerMessage): void {
    if (this.closed) return;
    this.counters.messagesOut++;
    this.write(sseEvent(message));
  }

  heartbeat(): void {
    if (this.started && !this.closed) this.write(SSE_HEARTBEAT);
  }

  /** Ends the stream cleanly (server shutdown); one never started leaves the response to its caller. */
  end(): void {
    if (this.closed) return;
    const started = this.started;
    this.dispose();
    if (started) this.res.end();
  }

  private start(): void {
    if (this.started) return;
    this.started = true;
    this.res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-cache, no-transform',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    });
    this.res.socket?.setNoDelay(true);
    this.write(Buffer.from(`retry: ${this.retryMs}\n\n`));
  }

  private write(chunk: Buffer): void {
    if (!this.started) this.start();
    if (this.sendLimit.isDropped) return;
    this.counters.framesOut++;
    this.res.write(chunk);
    this.sendLimit.written(chunk.length);
  }

  private cutOff(): void {
    if (this.closed) return;
    this.counters.slowConsumerDisconnects++;
    this.dispose();
    this.res.destroy();
  }

  private dispose(): void {
    if (this.closed) return;
    this.closed = true;
    this.sendLimit.stop();
    this.stopFollow?.();
    this.stopFollow = undefined;
    this.onClosed(this);
  }
}
