import { Inject, Injectable, type BeforeApplicationShutdown } from '@nestjs/common';
import type { ServerResponse } from 'node:http';
import { AppConfig } from '@app/config';
import { ChatMetrics, type TransportCounters } from '@app/observability';
import { HTTP_TRANSPORT_OPTIONS, type HttpTransportOptions } from './http-transport-options';
import { SseStream } from './sse-stream';

/**
 * Every open SSE stream of the process: one heart-beat timer for all of them (not one per stream,
 * and none at all while there is no stream), and a clean end for each on shutdown.
 */
@Injectable()
export class SseHub implements BeforeApplicationShutdown {
  private readonly streams = new Set<SseStream>();
  private readonly counters: TransportCounters;
  private heartbeatTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly config: AppConfig,
    metrics: ChatMetrics,
    @Inject(HTTP_TRANSPORT_OPTIONS) private readonly options: HttpTransportOptions,
  ) {
    this.counters = metrics.forDoor('sse');
  }

  get size(): number {
    return this.streams.size;
  }

  /** A stream over `res`; nothing is written until it first sends. */
  create(res: ServerResponse): SseStream {
    const limits = { bufferBytes: this.config.SEND_BUFFER_BYTES, timeLimitMs: this.config.SEND_TIME_LIMIT_MS };
    const stream = new SseStream(res, this.options.sseRetryMs, limits, this.counters, (s) => this.remove(s));
    this.streams.add(stream);
    this.counters.connections++;
    if (this.heartbeatTimer === undefined) {
      this.heartbeatTimer = setInterval(() => this.beat(), this.options.sseHeartbeatMs);
      this.heartbeatTimer.unref();
    }
    return stream;
  }

  beforeApplicationShutdown(): void {
    for (const stream of [...this.streams]) stream.end();
  }

  private beat(): void {
    for (const stream of this.streams) stream.heartbeat();
  }

  private remove(stream: SseStream): void {
    if (!this.streams.delete(stream)) return;
    this.counters.connections--;
    if (this.streams.size === 0 && this.heartbeatTimer !== undefined) {
      clearInterval(this.heartbeatTimer);
      this.heartbeatTimer = undefined;
    }
  }
}
