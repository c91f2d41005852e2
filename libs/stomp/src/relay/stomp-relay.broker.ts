import { Logger } from '@nestjs/common';
import {
  SubscriptionRegistry,
  createMessage,
  callLive,
  fanOut,
  isApplicationHeader,
  type BrokerHealth,
  type BrokerMessage,
  type BrokerPort,
  type DeliveryErrorHandler,
  type Subscriber,
} from '@app/messaging';
import { frame, type StompFrame } from '@app/stomp-codec';
import { toRabbitDestination } from './relay-destination';
import { parseRelayUrl, type RelayTarget } from './relay-url';
import { UpstreamConnection, type UpstreamOptions } from './upstream.connection';

export interface StompRelayOptions extends Partial<UpstreamOptions> {
  /** `stomp://user:pass@host:61613`, or the parsed target. */
  url: string | RelayTarget;
  /** First reconnect delay; doubles per failed attempt up to maxReconnectDelayMs (with jitter). */
  reconnectDelayMs?: number;
  maxReconnectDelayMs?: number;
  onDeliveryError?: DeliveryErrorHandler;
  /** Unsent bytes towards the broker above which publish() drops (default 64 MiB). */
  maxBufferedBytes?: number;
}

/** First retry after an established connection was lost (jittered like the others). */
const FIRST_RETRY_MS = 50;
/** A connection that lived this long counts as having worked: the backoff starts over. */
const STABLE_CONNECTION_MS = 1_000;

interface Upstream {
  /** The id of our one upstream SUBSCRIBE for this destination. */
  readonly id: string;
  /** The broker confirmed the subscription (RECEIPT) on the current connection. */
  live: boolean;
  waiters: (() => void)[];
}

/**
 * BrokerPort over an external STOMP broker (RabbitMQ's STOMP plugin), the way Spring's broker relay and
 * Centrifuge's broker do it: ONE node-level connection (the "system session"), ONE upstream subscription
 * per destination that has local subscribers (made on the first, dropped with the last), and local
 * fan-out through a SubscriptionRegistry for every transport. publish() only sends upstream: the message
 * comes back through the subscription, so every node, this one included, fans it out exactly once, and
 * one BrokerMessage is created per upstream MESSAGE and shared by all local subscribers.
 *
 * While disconnected: health() is down, publish() drops the message (counted in `dropped`; likewise when
 * more than maxBufferedBytes wait to be written to the broker), subscribe()
 * and unsubscribe() keep working locally; on reconnect (exponential backoff) every destination is
 * subscribed again.
 */
export class StompRelayBroker implements BrokerPort {
  private readonly logger = new Logger('StompRelayBroker');
  private readonly registry = new SubscriptionRegistry();
  private readonly upstreams = new Map<string, Upstream>();
  private readonly destinationsById = new Map<string, string>();
  private readonly target: RelayTarget;
  private readonly options: UpstreamOptions;
  private readonly onDeliveryError: DeliveryErrorHandler;
  private connection: UpstreamConnection | undefined;
  private running = false;
  private attempt = 0;
  private nextId = 0;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private lastError = 'not started';
  private attemptWaiters: (() => void)[] = [];
  private readonly maxBufferedBytes: number;
  /** Messages publish() could not send: the broker was unreachable or too far behind. */
  dropped = 0;
  /** Established connections lost so far (the broker closed them, or the network did). */
  private losses = 0;
  private connectedAt = 0;

  constructor(private readonly settings: StompRelayOptions) {
    this.target = typeof settings.url === 'string' ? parseRelayUrl(settings.url) : settings.url;
    this.options = {
      heartbeatMs: settings.heartbeatMs ?? 10_000,
      connectTimeoutMs: settings.connectTimeoutMs ?? 5_000,
      maxFrameBytes: settings.maxFrameBytes ?? 16 * 1024 * 1024,
    };
    this.maxBufferedBytes = settings.maxBufferedBytes ?? 64 * 1024 * 1024;
    this.onDeliveryError =
      settings.onDeliveryError ??
      ((error, subscription) =>
        this.logger.warn(`delivery to session ${subscription.subscriber.sessionId} failed: ${errorText(error)}`));
  }

  /** Throws DuplicateSubscriptionError, or RelayDestinationError for a destination that cannot be relayed. */
  subscribe(subscriber: Subscriber, subscriptionId: string, destination: string): void {
    const rabbit = toRabbitDestination(destination);
    if (!this.registry.add(subscriber, subscriptionId, destination)) {
      // The destination is already subscribed upstream: live now, or live() comes with its confirmation.
      if (this.upstreams.get(destination)?.live) callLive(subscriber, subscriptionId, this.logger);
      return;
    }
    const upstream: Upstream = { id: `sub-${++this.nextId}`, live: false, waiters: [] };
    this.upstreams.set(destination, upstream);
    this.destinationsById.set(upstream.id, destination);
    this.sendSubscribe(upstream, rabbit);
  }

  unsubscribe(sessionId: string, subscriptionId: string): void {
    const removed = this.registry.remove(sessionId, subscriptionId);
    if (removed) this.dropUpstreamIfUnused(removed.destination);
  }

  unsubscribeAll(sessionId: string): void {
    for (const removed of this.registry.removeAll(sessionId)) this.dropUpstreamIfUnused(removed.destination);
  }

  publish(message: BrokerMessage): void {
    const rabbit = toRabbitDestination(message.destination);
    if (!this.connection || this.connection.bufferedBytes > this.maxBufferedBytes) {
      // Unreachable, or so far behind that buffering more would only grow the heap: drop, count, move on.
      this.dropped++;
      return;
    }
    // Every frame on the shared connection is checked here, whoever made the message: one header RabbitMQ
    // refuses (user-id, priority, ...) would close the connection for every subscriber of the node (#10).
    const headers: [string, string][] = [['destination', rabbit]];
    for (const [name, value] of message.headers) if (isApplicationHeader(name)) headers.push([name, value]);
    this.connection.send({ command: 'SEND', headers: new Map(headers), body: message.body });
  }

  whenSubscribed(destination?: string): Promise<void> {
    if (!this.running) return Promise.resolve();
    const candidates = destination === undefined ? [...this.upstreams.values()] : [this.upstreams.get(destination)];
    const pending = candidates.filter((u): u is Upstream => u !== undefined && !u.live);
    return Promise.all(pending.map((u) => new Promise<void>((resolve) => u.waiters.push(resolve)))).then(() => {});
  }

  /** Subscriptions a session holds (for MAX_SUBSCRIPTIONS). */
  subscriptionCount(sessionId: string): number {
    return this.registry.countFor(sessionId);
  }

  health(): BrokerHealth {
    if (this.connection) {
      const since = this.losses === 0 ? '' : `; connection lost ${this.losses} time(s), last: ${this.lastError}`;
      return { up: true, detail: `relay ${this.target.host}:${this.target.port}${since}` };
    }
    return { up: false, detail: `relay ${this.target.host}:${this.target.port} unreachable: ${this.lastError}` };
  }

  /**
   * Connects; resolves after the first attempt, connected or not (then health() is down and the relay
   * keeps retrying in the background), so an unreachable broker delays the boot by connectTimeoutMs at most.
   */
  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    const attempted = new Promise<void>((resolve) => this.attemptWaiters.push(resolve));
    this.connect();
    await attempted;
    if (!this.connection) this.logger.error(`broker relay not connected yet, retrying: ${this.lastError}`);
  }

  async stop(): Promise<void> {
    this.running = false;
    clearTimeout(this.reconnectTimer);
    const connection = this.connection;
    this.connection = undefined;
    this.lastError = 'stopped';
    this.wakeStart();
    for (const upstream of this.upstreams.values()) this.settle(upstream);
    await connection?.close();
  }

  private connect(): void {
    if (!this.running) return;
    UpstreamConnection.open(this.target, this.options, {
      onFrame: (received) => this.onFrame(received),
      onClose: (reason) => this.onDisconnected(reason),
    }).then(
      (connection) => this.onConnected(connection),
      (error: Error) => {
        this.lastError = error.message;
        this.wakeStart();
        this.scheduleReconnect();
      },
    );
  }

  private onConnected(connection: UpstreamConnection): void {
    if (!this.running) {
      void connection.close();
      return;
    }
    if (this.losses > 0 || this.attempt > 0) this.logger.log(`broker relay reconnected to ${this.target.host}:${this.target.port}`);
    this.connectedAt = Date.now();
    this.connection = connection;
    for (const [destination, upstream] of this.upstreams) this.sendSubscribe(upstream, toRabbitDestination(destination));
    this.wakeStart();
  }

  private wakeStart(): void {
    const waiters = this.attemptWaiters;
    this.attemptWaiters = [];
    for (const resolve of waiters) resolve();
  }

  private onDisconnected(reason: string): void {
    this.connection = undefined;
    this.lastError = reason;
    this.losses++;
    for (const upstream of this.upstreams.values()) upstream.live = false;
    if (!this.running) return;
    this.logger.warn(`broker relay connection lost: ${reason}`);
    // A connection that had been up a while (the broker closed it after an ERROR, a blip) is tried again at
    // once: every subscriber of the node waits on it. Failed attempts, and connections that die as soon as
    // they are made, back off.
    const stable = Date.now() - this.connectedAt >= STABLE_CONNECTION_MS;
    if (stable) this.attempt = 0;
    this.scheduleReconnect(stable);
  }

  private scheduleReconnect(wasUp = false): void {
    if (!this.running) return;
    const base = this.settings.reconnectDelayMs ?? 500;
    const max = this.settings.maxReconnectDelayMs ?? 5_000;
    const delay = wasUp ? Math.min(base, FIRST_RETRY_MS) : Math.min(max, base * 2 ** Math.min(this.attempt, 20));
    if (!wasUp) this.attempt++;
    // Jitter, so that the nodes of a cluster do not all come back in the same instant.
    this.reconnectTimer = setTimeout(() => this.connect(), delay * (0.75 + Math.random() / 2));
    this.reconnectTimer.unref();
  }

  private onFrame(received: StompFrame): void {
    switch (received.command) {
      case 'MESSAGE':
        this.onMessage(received);
        break;
      case 'RECEIPT': {
        const id = received.headers.get('receipt-id') ?? '';
        const destination = this.destinationsById.get(id);
        const upstream = destination === undefined ? undefined : this.upstreams.get(destination);
        if (upstream?.id === id && destination !== undefined && !upstream.live) this.markLive(destination, upstream);
        break;
      }
      case 'ERROR':
        this.logger.error(`broker ERROR: ${received.headers.get('message') ?? ''} ${received.body.toString('utf8')}`);
        break;
    }
  }

  private onMessage(received: StompFrame): void {
    const destination = this.destinationsById.get(received.headers.get('subscription') ?? '');
    // A message for a subscription we just dropped: nobody here wants it any more.
    if (destination === undefined) return;
    // A MESSAGE ahead of its subscription's RECEIPT: the subscription is live, and subscribers must hear
    // so before this message reaches them (so that a recovery starts before it, not after).
    const upstream = this.upstreams.get(destination);
    if (upstream && !upstream.live) this.markLive(destination, upstream);
    const subscriptions = this.registry.find(destination);
    if (subscriptions.length === 0) return;
    // createMessage keeps the application headers only: RabbitMQ's own (message-id, persistent, ...) stay here.
    fanOut(subscriptions, createMessage(destination, received.body, received.headers), this.onDeliveryError);
  }

  private sendSubscribe(upstream: Upstream, rabbit: string): void {
    // The receipt id is the subscription id: a RECEIPT then names which subscription is live.
    this.connection?.send(frame('SUBSCRIBE', [['id', upstream.id], ['destination', rabbit], ['ack', 'auto'], ['receipt', upstream.id]]));
  }

  private dropUpstreamIfUnused(destination: string): void {
    if (this.registry.hasSubscribers(destination)) return;
    const upstream = this.upstreams.get(destination);
    if (!upstream) return;
    this.upstreams.delete(destination);
    this.destinationsById.delete(upstream.id);
    this.settle(upstream);
    this.connection?.send(frame('UNSUBSCRIBE', [['id', upstream.id]]));
  }

  /**
   * The upstream subscription is confirmed on the current connection: waiters wake, and every local
   * subscriber hears live(), after a reconnect as on the first subscribe, so that what the broker could not
   * deliver meanwhile can be fetched from where it is stored (#12).
   */
  private markLive(destination: string, upstream: Upstream): void {
    this.settle(upstream, true);
    for (const subscription of this.registry.find(destination)) {
      callLive(subscription.subscriber, subscription.subscriptionId, this.logger);
    }
  }

  /** Wakes whenSubscribed() callers: the subscription is live, or gone, or the relay stopped. */
  private settle(upstream: Upstream, live = false): void {
    upstream.live = live;
    const waiters = upstream.waiters;
    upstream.waiters = [];
    for (const resolve of waiters) resolve();
  }
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
