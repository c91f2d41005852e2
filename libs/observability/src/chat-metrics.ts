import { Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Gauge, Registry } from 'prom-client';
import type { SessionMetrics } from '@app/stomp-session';
import { TransportCounters } from './transport-counters';

type CounterField = Exclude<keyof TransportCounters, 'transport' | 'connections'>;

const PER_TRANSPORT_COUNTERS: ReadonlyArray<[string, string, CounterField]> = [
  ['chat_frames_in_total', 'Frames received from clients', 'framesIn'],
  ['chat_frames_out_total', 'Frames sent to clients', 'framesOut'],
  ['chat_messages_in_total', 'Chat messages accepted from clients', 'messagesIn'],
  ['chat_messages_out_total', 'Chat messages delivered to clients', 'messagesOut'],
  ['chat_slow_consumer_disconnects_total', 'Clients dropped for reading too slowly', 'slowConsumerDisconnects'],
  ['chat_rate_limited_messages_total', 'Chat messages refused by the rate limit', 'rateLimited'],
];

/**
 * The server's Prometheus metrics in a registry of its own (with Node's default process metrics).
 * Every transport asks once for its TransportCounters and bumps plain fields; prom-client only sees
 * the values at scrape time through `collect`, so the hot path never hashes labels.
 */
@Injectable()
export class ChatMetrics {
  readonly registry = new Registry();
  /** Broker subscriptions held by clients on every transport (STOMP SUBSCRIBEs, SSE streams, ...). */
  subscriptions = 0;
  /** Chat messages durably stored by this process (see `countStoredWith`). */
  messagesStored = 0;
  private storedSource: (() => number) | undefined;
  private readonly transports = new Map<string, TransportCounters>();

  constructor() {
    collectDefaultMetrics({ register: this.registry });
    const all = () => this.transports.values();
    new Gauge({
      name: 'chat_connections',
      help: 'Open client connections by transport',
      labelNames: ['transport'],
      registers: [this.registry],
      collect() {
        this.reset();
        for (const t of all()) this.set({ transport: t.transport }, t.connections);
      },
    });
    for (const [name, help, field] of PER_TRANSPORT_COUNTERS) {
      new Counter({
        name,
        help,
        labelNames: ['transport'],
        registers: [this.registry],
        collect() {
          this.reset();
          for (const t of all()) this.inc({ transport: t.transport }, t[field]);
        },
      });
    }
    const subscriptions = () => this.subscriptions;
    const stored = () => (this.storedSource ? this.storedSource() : this.messagesStored);
    new Gauge({
      name: 'chat_subscriptions',
      help: 'Subscriptions held by clients',
      registers: [this.registry],
      collect() {
        this.set(subscriptions());
      },
    });
    new Counter({
      name: 'chat_messages_stored_total',
      help: 'Chat messages stored by this process',
      registers: [this.registry],
      collect() {
        this.reset();
        this.inc(stored());
      },
    });
  }

  /** The counters of one transport ('websocket', 'sockjs', 'sse', 'long-poll', 'plain-ws', 'rest'); keep the result. */
  forTransport(transport: string): TransportCounters {
    let counters = this.transports.get(transport);
    if (!counters) {
      counters = new TransportCounters(transport);
      this.transports.set(transport, counters);
    }
    return counters;
  }

  /** Reads the stored-message count from its owner at scrape time instead of `messagesStored`. */
  countStoredWith(source: () => number): void {
    this.storedSource = source;
  }

  /** The STOMP session's counters (SESSION_METRICS), bumping the `transport` label given. */
  sessionMetrics(transport: string): SessionMetrics {
    const t = this.forTransport(transport);
    return {
      frameIn: () => void t.framesIn++,
      frameOut: () => void t.framesOut++,
      messageOut: () => void t.messagesOut++,
      slowConsumer: () => void t.slowConsumerDisconnects++,
      rateLimited: () => void t.rateLimited++,
    };
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  /** The Prometheus text exposition of every metric. */
  render(): Promise<string> {
    return this.registry.metrics();
  }
}
