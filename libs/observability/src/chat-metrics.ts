import { Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { SessionMeter, SessionMetrics } from '@app/stomp-session';
import { TransportCounters } from './transport-counters';

/** What the chat's room feeds count (RoomFeedStats without naming the chat here). */
export interface RoomFeedCounts {
  held: number;
  gapFills: number;
  recoveries: number;
  recovered: number;
}

/** From half a millisecond (an idle SQLite commit) to seconds (a stalled database). */
const STORE_BUCKETS = [0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];

type CounterField = Exclude<keyof TransportCounters, 'door' | 'protocol' | 'connections' | 'subscriptions'>;
const LABELS = ['door', 'protocol'];
/** The protocol each door speaks when none is given. */
const PROTOCOL_OF: Record<string, string> = { rest: 'http', sse: 'sse', 'long-poll': 'http', 'plain-ws': 'json', websocket: 'stomp', sockjs: 'stomp' };

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
  /** Chat messages durably stored by this process (see `countStoredWith`). */
  messagesStored = 0;
  private storedSource: (() => number) | undefined;
  private feedSource: (() => RoomFeedCounts) | undefined;
  private readonly transports = new Map<string, TransportCounters>();

  constructor() {
    collectDefaultMetrics({ register: this.registry });
    const all = () => this.transports.values();
    new Gauge({
      name: 'chat_connections',
      help: 'Open client connections by door and protocol',
      labelNames: LABELS,
      registers: [this.registry],
      collect() {
        this.reset();
        for (const t of all()) this.set({ door: t.door, protocol: t.protocol }, t.connections);
      },
    });
    for (const [name, help, field] of PER_TRANSPORT_COUNTERS) {
      new Counter({
        name,
        help,
        labelNames: LABELS,
        registers: [this.registry],
        collect() {
          this.reset();
          for (const t of all()) this.inc({ door: t.door, protocol: t.protocol }, t[field]);
        },
      });
    }
    const stored = () => (this.storedSource ? this.storedSource() : this.messagesStored);
    new Gauge({
      name: 'chat_subscriptions',
      help: 'Subscriptions held by clients, by door and protocol',
      labelNames: LABELS,
      registers: [this.registry],
      collect() {
        this.reset();
        for (const t of all()) this.set({ door: t.door, protocol: t.protocol }, t.subscriptions);
      },
    });
    // Room feeds (#12): what came out of order and was put back in order, and what the store filled in.
    const feeds = (): RoomFeedCounts => this.feedSource?.() ?? { held: 0, gapFills: 0, recoveries: 0, recovered: 0 };
    const FEED_COUNTERS: ReadonlyArray<[string, string, keyof RoomFeedCounts]> = [
      ['chat_room_feed_held_total', 'Room messages that reached this node before their turn and were held for it', 'held'],
      ['chat_room_feed_gap_fills_total', 'Store reads after a room message waited too long for its predecessor', 'gapFills'],
      ['chat_room_feed_recoveries_total', 'Store reads after the broker went live again (relay reconnects)', 'recoveries'],
      ['chat_room_feed_recovered_total', 'Room messages delivered from the store because the broker had not brought them', 'recovered'],
    ];
    for (const [name, help, field] of FEED_COUNTERS) {
      new Counter({
        name,
        help,
        registers: [this.registry],
        collect() {
          this.reset();
          this.inc(feeds()[field]);
        },
      });
    }
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

  /** Seconds from handing a batch of posts to the database until it committed. */
  readonly storeCommitSeconds = new Histogram({
    name: 'chat_store_commit_seconds',
    help: 'Time from handing a batch of chat posts to the database until it committed',
    buckets: STORE_BUCKETS,
    registers: [this.registry],
  });
  /** Seconds from a batch's commit until it was published (earlier batches first, then the fan-out). */
  readonly storePublishSeconds = new Histogram({
    name: 'chat_store_publish_seconds',
    help: 'Time from a batch commit until its messages were published to subscribers',
    buckets: STORE_BUCKETS,
    registers: [this.registry],
  });
  /** Posts per committed batch (group commit). */
  readonly storeBatchMessages = new Histogram({
    name: 'chat_store_batch_messages',
    help: 'Chat posts per committed database transaction',
    buckets: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000],
    registers: [this.registry],
  });

  /** The counters of one door (and protocol: by default the one that door speaks); keep the result. */
  forDoor(door: string, protocol: string = PROTOCOL_OF[door] ?? door): TransportCounters {
    const key = `${door}/${protocol}`;
    let counters = this.transports.get(key);
    if (!counters) {
      counters = new TransportCounters(door, protocol);
      this.transports.set(key, counters);
    }
    return counters;
  }

  /** Every door's counters right now (the admin view). */
  doors(): TransportCounters[] {
    return [...this.transports.values()];
  }

  /** Reads the room feed counters (#12) from their owner at scrape time; zero without one. */
  countFeedWith(source: () => RoomFeedCounts): void {
    this.feedSource = source;
  }

  /** Reads the stored-message count from its owner at scrape time instead of `messagesStored`. */
  countStoredWith(source: () => number): void {
    this.storedSource = source;
  }

  /** SESSION_METRICS: each STOMP session counts under its own door, protocol `stomp`. */
  // The meter holds nothing of its session, so every session of a door shares one (not nine closures each).
  readonly sessionMetrics: SessionMetrics = {
    open: (door: string, protocol: string): SessionMeter => {
      const key = `${door}/${protocol}`;
      let meter = this.meters.get(key);
      if (!meter) {
        meter = new DoorMeter(this.forDoor(door, protocol));
        this.meters.set(key, meter);
      }
      meter.counters.connections++;
      return meter;
    },
  };
  private readonly meters = new Map<string, DoorMeter>();

  get contentType(): string {
    return this.registry.contentType;
  }

  /** The Prometheus text exposition of every metric. */
  render(): Promise<string> {
    return this.registry.metrics();
  }
}

/** The SessionMeter of every STOMP session of one door and protocol: it only bumps that door's counters. */
class DoorMeter implements SessionMeter {
  constructor(readonly counters: TransportCounters) {}
  frameIn(): void { this.counters.framesIn++; }
  frameOut(): void { this.counters.framesOut++; }
  messageIn(): void { this.counters.messagesIn++; }
  messageOut(): void { this.counters.messagesOut++; }
  subscribed(): void { this.counters.subscriptions++; }
  unsubscribed(): void { this.counters.subscriptions--; }
  slowConsumer(): void { this.counters.slowConsumerDisconnects++; }
  rateLimited(): void { this.counters.rateLimited++; }
  closed(): void { this.counters.connections--; }
}
