import { randomBytes } from 'node:crypto';
import {
  StompCodecError,
  StompDecoder,
  createMessageTemplate,
  encodeFrame,
  negotiateHeartbeat,
  negotiateVersion,
  type MessageTemplate,
  type StompFrame,
  type StompVersion,
} from '@app/stomp-codec';
import { createMessage, type BrokerMessage, type BrokerPort, type Subscriber } from '@app/messaging';
import type { Connection } from './connection.port';
import type { SessionHandle } from './stomp-endpoint.port';
import type { AppSubscription, ClientError, SessionContext, StompApplication } from './stomp-application.port';
import { connectCredentials, type Authenticator, type Principal } from './authenticator.port';
import { onPrincipalExpiry } from './principal-expiry';
import type { SessionOptions, UserDestinationResolver } from './session-options';
import { StompEvents, type SessionEventSink } from './session-events';
import type { SessionLog } from './session-log';
import { HeartbeatMonitor } from './heartbeat-monitor';
import { TokenBucket } from './token-bucket';
import { judgeAfterTurn, SendLimit, type JudgedAfterTurn, type SendLimits } from './send-limit';
import { InboundWindow, type InboundFlow } from './inbound-window';
import { TransactionBuffer } from './transaction-buffer';
import { isEncodable, messageHeaders } from './message-headers';
import type { StompChannelInterceptor } from './channel-interceptor.port';
import { clientErrorOf } from './client-error';
import { CloseCode, doorOf, type SessionMeter, type SessionMetrics } from './session-metrics';

export interface SessionDeps {
  broker: BrokerPort;
  users: UserDestinationResolver;
  app: StompApplication;
  /** Who a CONNECT is: the same authenticator every other door asks. */
  authenticator: Authenticator;
  events: SessionEventSink;
  log: SessionLog;
  metrics: SessionMetrics;
  /** Channel interceptors, in order (destination rules first). */
  interceptors: readonly StompChannelInterceptor[];
  /** Called once when the session has ended, whatever the reason. */
  ended(session: StompSession): void;
  /** Unexpected faults (bugs, not bad input) go here so they are seen; the session survives them. */
  logError(message: string, error: unknown): void;
}

type AckMode = 'auto' | 'client' | 'client-individual';
interface SubscriptionRecord {
  id: string;
  /** As the client named it: MESSAGE frames carry this. */
  destination: string;
  ack: AckMode;
  /** Where this subscription's encoded MESSAGE template is cached on a BrokerMessage (version + destination). */
  templateKey: string;
  /** Set when the application owns the subscription (e.g. since-id replay). */
  stop?: () => void;
}

type State = 'awaiting-connect' | 'authenticating' | 'connected' | 'closed';
const ACK_MODES: ReadonlySet<string> = new Set(['auto', 'client', 'client-individual']);
const MAX_PENDING_FRAMES = 100;
/**
 * Frames whose answer is still owed (handled by the application, a RECEIPT waiting for the store or the
 * broker) before the session stops reading its connection: see InboundWindow. Above the writer's usual
 * batch sizes, so that one busy client still fills a group commit.
 */
export const MAX_UNANSWERED_FRAMES = 256;
const SUPPORTED = '1.0,1.1,1.2';

/**
 * One STOMP session: the protocol state machine over a transport-neutral Connection. It owns framing,
 * ordering, receipts, heart-beats, transactions and limits; the StompApplication owns meaning.
 */
export class StompSession implements SessionHandle, Subscriber, SessionContext, JudgedAfterTurn {
  readonly sessionId = randomBytes(8).toString('hex');
  principal?: Principal;
  version: StompVersion = '1.2';

  // What a session holds while idle is its cost 10,000 times over (bench `idle`): anything only some
  // sessions or moments need (transactions, a rate bucket, a blocked queue's clock, frames waiting for
  // authentication) is made when first needed and dropped when done.
  private state: State = 'awaiting-connect';
  private readonly decoder: StompDecoder;
  private readonly subscriptions = new Map<string, SubscriptionRecord>();
  private transactions?: TransactionBuffer;
  private readonly heartbeat: HeartbeatMonitor;
  private bucket?: TokenBucket;
  private connectTimer?: NodeJS.Timeout;
  /** Frames that arrived while CONNECT was being authenticated. */
  private pending?: StompFrame[];
  /** Subscriptions of this session not yet live at the broker (their SUBSCRIBE RECEIPTs wait for them). */
  private goingLive?: Set<Promise<unknown>>;
  private cancelExpiry: () => void = NOTHING;
  private readonly meter: SessionMeter;
  private connectFrame?: StompFrame;
  private readonly hasOutbound: boolean;
  /** Made when a write first finds bytes waiting: a client that keeps up never needs one. */
  private sendLimit?: SendLimit;
  private readonly inbound: InboundWindow<Buffer | string>;

  constructor(
    private readonly connection: Connection,
    private readonly deps: SessionDeps,
    private readonly options: SessionOptions,
  ) {
    this.meter = deps.metrics.open(doorOf(connection.transport), 'stomp');
    this.hasOutbound = deps.interceptors.some((i) => i.preDeliver);
    this.decoder = new StompDecoder(options.limits, { commands: 'client' });
    this.heartbeat = new HeartbeatMonitor(this);
    // A connection that can pause is its own InboundFlow (no wrapper object per session).
    this.inbound = new InboundWindow(
      MAX_UNANSWERED_FRAMES,
      (data) => this.decode(data),
      connection.pause && connection.resume ? (connection as InboundFlow) : undefined,
    );
    this.connectTimer = setTimeout(
      () => this.fail('CONNECT timeout', `No CONNECT frame within ${options.connectTimeoutMs} ms.`, undefined, 'connect-timeout'),
      options.connectTimeoutMs,
    );
    this.connectTimer.unref();
  }

  /** @internal HeartbeatHost: the send side has been quiet for a whole look. */
  heartbeatDue(): void {
    this.writeRaw(HEARTBEAT, false);
  }

  /** @internal HeartbeatHost: nothing from the client for two whole intervals. */
  heartbeatSilent(): void {
    // While the session is not reading, the client's beats wait in the socket: its silence is ours.
    if (this.inbound.isPaused) return;
    this.fail('heart-beat timeout', 'No data from the client within the negotiated heart-beat interval.', undefined, 'heartbeat-timeout');
  }

  private get sendLimits(): SendLimits {
    let limits = SEND_LIMITS.get(this.options);
    if (!limits) {
      limits = { bufferBytes: this.options.sendBufferBytes, timeLimitMs: this.options.sendTimeLimitMs };
      SEND_LIMITS.set(this.options, limits);
    }
    return limits;
  }

  private get transactionBuffer(): TransactionBuffer {
    return (this.transactions ??= new TransactionBuffer({
      maxTransactions: this.options.maxTransactions,
      maxFrames: this.options.maxTransactionFrames,
      maxBytes: this.options.maxTransactionBytes,
    }));
  }

  private get receiveHeartbeatMs(): number {
    return this.options.heartbeatReceiveMs ?? this.options.heartbeatMs;
  }

  private isApplicationDestination(destination: string): boolean {
    return destination.startsWith(this.options.applicationPrefix + '/');
  }

  private isBrokerDestination(destination: string): boolean {
    return this.options.brokerPrefixes.some((prefix) => destination.startsWith(prefix + '/'));
  }

  get transport(): string {
    return this.connection.transport;
  }

  get remoteAddress(): string {
    return this.connection.remoteAddress;
  }

  get isOpen(): boolean {
    return this.state !== 'closed';
  }

  // ---- inbound ----------------------------------------------------------------------------------

  receive(data: Buffer | string): void {
    if (this.state === 'closed') return;
    this.heartbeat.received();
    this.inbound.offer(data);
  }

  private decode(data: Buffer | string): void {
    if (this.state === 'closed') return;
    try {
      // Frame by frame: CONNECT sets the decoder's version before the next frame of the chunk is read (#10).
      this.decoder.feed(data, (frame) => this.onFrame(frame));
    } catch (error) {
      if (error instanceof StompCodecError) return this.fail(error.message, `Frame rejected (${error.code}).`);
      this.crash(error);
    }
  }

  private onFrame(frame: StompFrame): boolean {
    if (!this.isOpen) return false;
    this.meter.frameIn();
    if (this.deps.log.frames) this.deps.log.frameIn(this, frame.command, frame.headers, frame.body);
    if (this.state === 'authenticating') {
      if ((this.pending ??= []).push(frame) > MAX_PENDING_FRAMES) this.fail('too many frames before CONNECTED');
    } else {
      this.dispatch(frame);
    }
    return this.isOpen;
  }

  closed(): void {
    this.end('closed');
  }

  /** Ends the session from the server side (shutdown): an ERROR frame, then a clean close. */
  shutdown(message: string): void {
    if (this.state === 'closed') return;
    this.writeFrame('ERROR', [['message', message], ['content-type', 'text/plain']], 'The server is shutting down; reconnect later.');
    this.close(CloseCode.GoingAway, 'server shutting down', 'shutdown');
  }

  /** Ends the session because the server decided so (an admin disconnect, a ban): ERROR, then close 1008. */
  disconnect(reason: string): void {
    this.fail('disconnected', `The server ended this session: ${reason}`, undefined, 'disconnected', [], CloseCode.PolicyViolation);
  }

  private dispatch(received: StompFrame): void {
    try {
      if (received.command === 'CONNECT' || received.command === 'STOMP') return this.onConnect(received);
      if (this.state !== 'connected') return this.fail('no CONNECT frame', `${received.command} received before CONNECT.`, received);
      const frame = this.intercept(received);
      if (!frame) return;
      switch (frame.command) {
        case 'SEND': return this.onSend(frame, false);
        case 'SUBSCRIBE': return this.onSubscribe(frame);
        case 'UNSUBSCRIBE': return this.onUnsubscribe(frame);
        case 'ACK':
        case 'NACK': return this.onAck(frame, false);
        case 'BEGIN': return this.onBegin(frame);
        case 'COMMIT': return this.onCommit(frame);
        case 'ABORT': return this.onAbort(frame);
        case 'DISCONNECT': return this.onDisconnect(frame);
        default: return this.fail('unknown command', `Unknown command ${frame.command}.`, frame);
      }
    } catch (error) {
      this.crash(error);
    }
  }

  /** Runs the inbound interceptors; undefined when one refused the frame (already answered). */
  private intercept(frame: StompFrame): StompFrame | undefined {
    let current = frame;
    for (const interceptor of this.deps.interceptors) {
      if (!interceptor.preSend) continue;
      try {
        current = interceptor.preSend(current, this) ?? current;
      } catch (error) {
        const known = clientErrorOf(error);
        if (!known) throw error;
        if (current.command === 'CONNECT' || current.command === 'STOMP') {
          this.fail(known.message, 'The CONNECT frame was refused.', undefined, 'auth-failed', [], CloseCode.PolicyViolation);
          return undefined;
        }
        const destination = current.headers.get('destination');
        this.reportError(destination === undefined ? known : { ...known, destination }, current.headers.get('receipt'));
        return undefined;
      }
    }
    return current;
  }

  private onConnect(frame: StompFrame): void {
    if (this.state !== 'awaiting-connect') return this.fail('already connected', 'A session takes one CONNECT frame.', frame);
    clearTimeout(this.connectTimer);
    this.connectTimer = undefined;
    const version = negotiateVersion(frame.headers.get('accept-version'));
    if (!version) {
      return this.fail('unsupported protocol version', `Supported protocol versions are ${SUPPORTED.replace(/,/g, ' ')}.`, frame, 'error', [['version', SUPPORTED]]);
    }
    this.version = version;
    this.decoder.version = version;
    let beats: { sendEveryMs: number; expectEveryMs: number };
    try {
      beats = negotiateHeartbeat(frame.headers.get('heart-beat'), this.options.heartbeatMs, this.receiveHeartbeatMs);
    } catch {
      return this.fail('malformed heart-beat header', 'heart-beat must be two non-negative integers: cx,cy.', frame);
    }
    this.state = 'authenticating';
    this.connectFrame = frame;
    this.settle(
      () => this.deps.authenticator.authenticate(connectCredentials(frame.headers)),
      (principal) => this.connected(principal, beats),
      (error: unknown) => {
        const message = error instanceof Error ? error.message : 'authentication failed';
        this.fail(message, 'The CONNECT frame was refused.', undefined, 'auth-failed', [], CloseCode.PolicyViolation);
      },
    );
  }

  private connected(principal: Principal | undefined, beats: { sendEveryMs: number; expectEveryMs: number }): void {
    if (this.state !== 'authenticating') return;
    this.principal = principal;
    // Interceptors see CONNECT with its principal known (Spring's preSend on CONNECT, after authentication).
    const connectFrame = this.connectFrame!;
    this.connectFrame = undefined;
    if (this.deps.interceptors.length > 0 && !this.intercept(connectFrame)) return;
    this.state = 'connected';
    const headers: [string, string][] = [
      ['version', this.version],
      ['heart-beat', `${this.options.heartbeatMs},${this.receiveHeartbeatMs}`],
      ['server', this.options.serverName],
      ['session', this.sessionId],
    ];
    if (principal) headers.push(['user-name', principal.name]);
    this.writeFrame('CONNECTED', headers);
    this.heartbeat.start(beats.sendEveryMs, beats.expectEveryMs);
    this.cancelExpiry = onPrincipalExpiry(principal, () =>
      this.fail('token expired', 'The token of this session has expired; reconnect with a fresh one.', undefined, 'token-expired', [], CloseCode.PolicyViolation),
    );
    this.deps.users.connected(this.sessionId, principal?.name);
    this.deps.events.emit(StompEvents.Connected, {
      sessionId: this.sessionId, user: principal?.name, version: this.version, transport: this.transport,
    });
    this.deps.log.connected(this, this.version);
    const pending = this.pending;
    this.pending = undefined;
    for (const frame of pending ?? []) {
      if (this.state !== 'connected') return;
      this.dispatch(frame);
    }
  }

  private onSend(frame: StompFrame, committing: boolean): void {
    const destination = frame.headers.get('destination');
    if (!destination) return this.fail('missing destination header', 'SEND requires a destination header.', frame);
    const receiptId = frame.headers.get('receipt');
    const tx = committing ? undefined : frame.headers.get('transaction');
    if (tx !== undefined && !this.transactions?.has(tx)) return this.fail('unknown transaction', `Transaction ${tx} was not begun.`, frame);
    // A SEND pays its token when it arrives, enlisted or not; a COMMIT replays what was paid for (#10).
    // A bucket made now is full, as one made at CONNECT would have refilled to by now.
    if (!committing && this.options.rateLimitPerSec > 0
      && !(this.bucket ??= new TokenBucket(this.options.rateLimitPerSec, this.options.rateLimitBurst)).take()) {
      this.meter.rateLimited();
      return this.reportError({ error: 'rate-limited', message: 'You are sending messages too fast; slow down.' }, receiptId);
    }
    if (tx !== undefined) return this.enlist(tx, frame);
    if (this.isApplicationDestination(destination)) {
      this.settle(
        () => this.deps.app.handleSend(this, destination, frame.headers, frame.body),
        (ok) => {
          if (!ok) return;
          this.meter.messageIn();
          // An enlisted frame got its RECEIPT when it was enlisted; COMMIT answers for the rest.
          if (!committing) this.receipt(frame);
        },
        (error: unknown) => {
          this.deps.logError(`handler for ${destination} failed`, error);
          this.reportError({ error: 'internal-error', message: 'The server could not handle this message.' }, receiptId);
        },
      );
      return;
    }
    if (this.isBrokerDestination(destination) && !this.deps.users.isPrivate(destination)) {
      // createMessage keeps only application headers (#10): the same for the simple broker and the relay.
      this.deps.broker.publish(createMessage(destination, frame.body, frame.headers));
      this.meter.messageIn();
      if (!committing) this.receipt(frame);
      return;
    }
    this.reportError({ error: 'forbidden-destination', message: `Messages cannot be sent to ${destination}.` }, receiptId);
  }

  private onSubscribe(frame: StompFrame): void {
    const destination = frame.headers.get('destination');
    if (!destination) return this.fail('missing destination header', 'SUBSCRIBE requires a destination header.', frame);
    // STOMP 1.0 made the id optional; the destination then names the subscription.
    const id = frame.headers.get('id') ?? (this.version === '1.0' ? destination : undefined);
    if (id === undefined) return this.fail('missing id header', 'SUBSCRIBE requires an id header.', frame);
    if (this.subscriptions.has(id)) return this.fail('duplicate subscription id', `Subscription id ${id} is already in use.`, frame);
    if (this.subscriptions.size >= this.options.maxSubscriptions) {
      return this.fail('too many subscriptions', `A session may hold at most ${this.options.maxSubscriptions} subscriptions.`, frame);
    }
    const ack = frame.headers.get('ack') ?? 'auto';
    if (!ACK_MODES.has(ack)) return this.fail('invalid ack mode', 'ack must be auto, client or client-individual.', frame);
    const record: SubscriptionRecord = { id, destination, ack: ack as AckMode, templateKey: `stomp/${this.version}/${destination}` };

    if (this.isApplicationDestination(destination)) {
      this.subscriptions.set(id, record);
      this.meter.subscribed();
      this.settle(
        () => this.deps.app.handleSubscribe(this, id, destination, frame.headers),
        (ok) => ok && this.receipt(frame),
        (error: unknown) => {
          this.deps.logError(`subscribe handler for ${destination} failed`, error);
          this.reportError({ error: 'internal-error', message: 'The server could not handle this subscription.' }, frame.headers.get('receipt'));
        },
      );
      return;
    }
    let userTarget: string | undefined;
    try {
      userTarget = this.deps.users.subscriptionTarget(this.sessionId, destination);
    } catch (error) {
      return this.fail('forbidden destination', error instanceof Error ? error.message : `Cannot subscribe to ${destination}.`, frame);
    }
    const target = userTarget ?? destination;
    if (userTarget === undefined && (!this.isBrokerDestination(destination) || this.deps.users.isPrivate(destination))) {
      return this.fail('forbidden destination', `Cannot subscribe to ${destination}.`, frame);
    }
    let owned: AppSubscription | undefined;
    try {
      owned = this.deps.app.openSubscription(this, id, destination, frame.headers, (m) => this.deliverTo(record, m));
      record.stop = owned?.stop;
    } catch (error) {
      if (isClientError(error)) return this.reportError(error, frame.headers.get('receipt'));
      throw error;
    }
    this.subscriptions.set(id, record);
    this.meter.subscribed();
    if (!record.stop) this.deps.broker.subscribe(this, id, target);
    this.receiptWhenLive(frame, owned ? owned.ready : this.deps.broker.whenSubscribed?.(target));
    this.deps.events.emit(StompEvents.Subscribed, { sessionId: this.sessionId, user: this.principal?.name, subscriptionId: id, destination });
  }

  private onUnsubscribe(frame: StompFrame): void {
    const id = frame.headers.get('id') ?? (this.version === '1.0' ? frame.headers.get('destination') : undefined);
    if (id === undefined) return this.fail('missing id header', 'UNSUBSCRIBE requires an id header.', frame);
    const record = this.subscriptions.get(id);
    if (record) this.dropSubscription(record);
    this.receipt(frame);
  }

  private onAck(frame: StompFrame, committing: boolean): void {
    const required = this.version === '1.2' ? ['id'] : this.version === '1.1' ? ['message-id', 'subscription'] : ['message-id'];
    const missing = required.find((h) => !frame.headers.has(h));
    if (missing) return this.fail(`missing ${missing} header`, `${frame.command} requires a ${missing} header.`, frame);
    const tx = committing ? undefined : frame.headers.get('transaction');
    if (tx !== undefined) return this.enlist(tx, frame);
    // The simple broker delivers once and keeps no unacknowledged copies (as Spring's): ACK/NACK only confirm.
    if (!committing) this.receipt(frame);
  }

  private onBegin(frame: StompFrame): void {
    const tx = frame.headers.get('transaction');
    if (!tx) return this.fail('missing transaction header', 'BEGIN requires a transaction header.', frame);
    const refusal = this.transactionBuffer.begin(tx);
    if (refusal) return this.fail(refusal.message, refusal.detail, frame);
    this.receipt(frame);
  }

  private onCommit(frame: StompFrame): void {
    const frames = this.takeTransaction(frame);
    if (!frames) return;
    for (const f of frames) {
      if (this.state !== 'connected') return;
      if (f.command === 'SEND') this.onSend(f, true);
      else this.onAck(f, true);
    }
    this.receipt(frame);
  }

  private onAbort(frame: StompFrame): void {
    if (this.takeTransaction(frame)) this.receipt(frame);
  }

  private onDisconnect(frame: StompFrame): void {
    this.receipt(frame);
    this.close(CloseCode.Normal, 'disconnect', 'disconnect');
  }

  /** Holds a SEND/ACK/NACK until its transaction ends; past a limit the session ends instead. */
  private enlist(tx: string, frame: StompFrame): void {
    const refusal = this.transactionBuffer.enlist(tx, frame);
    if (refusal) return this.fail(refusal.message, refusal.detail, frame);
    this.receipt(frame);
  }

  private takeTransaction(frame: StompFrame): StompFrame[] | undefined {
    const tx = frame.headers.get('transaction');
    if (!tx) return void this.fail('missing transaction header', `${frame.command} requires a transaction header.`, frame);
    const frames = this.transactions?.take(tx);
    if (!frames) return void this.fail('unknown transaction', `Transaction ${tx} was not begun.`, frame);
    return frames;
  }

  // ---- outbound ---------------------------------------------------------------------------------

  /** Subscriber: the broker's fan-out lands here, once per subscription. */
  deliver(message: BrokerMessage, subscriptionId: string): void {
    const record = this.subscriptions.get(subscriptionId);
    if (record) this.deliverTo(record, message);
  }

  endSubscription(subscriptionId: string, error?: ClientError): void {
    const record = this.subscriptions.get(subscriptionId);
    if (!record || this.state !== 'connected') return;
    this.dropSubscription(record);
    if (error) this.reportError(error);
  }

  sendToSubscription(subscriptionId: string, message: BrokerMessage): void {
    this.deliver(message, subscriptionId);
  }

  private deliverTo(record: SubscriptionRecord, message: BrokerMessage): void {
    if (this.state !== 'connected') return;
    if (this.hasOutbound && !this.deps.interceptors.every((i) => !i.preDeliver || i.preDeliver(message, record, this))) return;
    // The frame is encoded once per message, version and destination; per subscriber only ids differ.
    let template = message.encodings.get(record.templateKey) as MessageTemplate | undefined;
    if (!template) {
      template = createMessageTemplate(messageHeaders(record.destination, message, this.version), message.body, this.version);
      message.encodings.set(record.templateKey, template);
    }
    // message-id names the message (the same for every subscriber), so auto-ack deliveries share one frame.
    const bytes = record.ack !== 'auto' && this.version === '1.2'
      ? template.render(record.id, message.id, `${message.id}.${record.id}`)
      : template.shared(record.id, message.id);
    this.writeRaw(bytes, !message.isText);
    this.meter.messageOut();
  }

  /**
   * A SUBSCRIBE's RECEIPT means the subscription is live on every node (CONTRACT): this one and every one
   * this session made before it, so a client that subscribes to several destinations and asks for one
   * receipt at the end can rely on all of them. A relay's upstream subscription is live when RabbitMQ
   * has confirmed it; an application's (a chat room) when it says so.
   */
  private receiptWhenLive(frame: StompFrame, ready: Promise<void> | undefined): void {
    if (ready) {
      const settled = ready.catch(() => undefined);
      const goingLive = (this.goingLive ??= new Set());
      goingLive.add(settled);
      void settled.then(() => {
        goingLive.delete(settled);
        if (goingLive.size === 0 && this.goingLive === goingLive) this.goingLive = undefined;
      });
    }
    if (!frame.headers.has('receipt')) return;
    if (!this.goingLive) return this.receipt(frame);
    this.settle(() => Promise.all([...this.goingLive!]), () => this.receipt(frame), () => undefined);
  }

  private receipt(frame: StompFrame): void {
    const id = frame.headers.get('receipt');
    if (id !== undefined) this.writeFrame('RECEIPT', [['receipt-id', id]]);
  }

  private reportError(error: ClientError, receiptId?: string): void {
    this.deps.app.reportError(this, receiptId === undefined ? error : { ...error, receiptId });
  }

  /**
   * Runs an asynchronous step of this session. Whatever fails in it, the work, its continuation or the
   * error path, ends this session with an ERROR and nothing else: no rejection escapes to the process (#10).
   */
  private settle<T>(work: () => Promise<T>, done: (value: T) => unknown, failed: (error: unknown) => void): void {
    // Until it settles, an answer is owed: the inbound window counts it.
    const answered = this.inbound.owe();
    const guarded = (step: () => unknown) => {
      try {
        step();
      } catch (error) {
        this.crash(error);
      } finally {
        answered();
      }
    };
    let promise: Promise<T>;
    try {
      promise = work();
    } catch (error) {
      return guarded(() => failed(error));
    }
    promise.then((value) => guarded(() => this.isOpen && done(value)), (error: unknown) => guarded(() => this.isOpen && failed(error)));
  }

  private writeFrame(command: string, headers: [string, string][], body = ''): void {
    const content = Buffer.from(body, 'utf8');
    let bytes: Buffer;
    try {
      bytes = encodeFrame({ command, headers: new Map(headers), body: content }, this.version);
    } catch (error) {
      if (!(error instanceof StompCodecError)) throw error;
      // A value this version cannot carry (a token subject with a newline on 1.0, say) is left out rather
      // than allowed to break the frame or the session's error path.
      const safe = headers.filter(([name, value]) => isEncodable(command, name, value, this.version));
      bytes = encodeFrame({ command, headers: new Map(safe), body: content }, this.version);
    }
    this.writeRaw(bytes, false);
  }

  private writeRaw(bytes: Buffer, binary: boolean): void {
    if (this.state === 'closed' || this.sendLimit?.isDropped) return;
    this.connection.send(bytes, binary);
    if (this.deps.log.frames) this.deps.log.frameOut(this, bytes);
    this.heartbeat.sent();
    this.meter.frameOut();
    if (this.sendLimit) {
      this.sendLimit.written(bytes.length);
      // Caught up: the next wait starts a fresh clock, as it would have on the same object.
      if (this.sendLimit?.isIdle) this.sendLimit = undefined;
    } else if (this.connection.bufferedBytes > 0) {
      // Most bytes seen waiting here are only held for the end of this turn (turn-writes); whether the
      // client is not taking them is known once they have been handed to the kernel.
      judgeAfterTurn(this);
    }
  }

  /** @internal after the turn in which a write left bytes waiting: start the slow-consumer clock if some still are. */
  afterTurn(): void {
    if (this.state === 'closed' || this.sendLimit || this.connection.bufferedBytes === 0) return;
    // Its byte count starts here; it only ever compares counts it has taken itself.
    this.sendLimit = new SendLimit(this.sendLimits, () => this.connection.bufferedBytes, () => {
      this.meter.slowConsumer();
      this.close(CloseCode.SlowConsumer, 'slow consumer', 'slow-consumer');
    });
    // The turn is over already: the clock starts now.
    this.sendLimit.afterTurn();
  }

  // ---- endings ----------------------------------------------------------------------------------

  /** A protocol fault: ERROR with a clear message header, then close. */
  private fail(
    message: string,
    detail = '',
    frame?: StompFrame,
    reason = 'error',
    extra: [string, string][] = [],
    code: number = CloseCode.ProtocolError,
  ): void {
    if (this.state === 'closed') return;
    // The message header is one line in every version: no line breaks can reach it.
    const headers: [string, string][] = [['message', message.replace(/[\r\n]+/g, ' ')], ['content-type', 'text/plain'], ...extra];
    const receiptId = frame?.headers.get('receipt');
    if (receiptId !== undefined) headers.push(['receipt-id', receiptId]);
    this.deps.log.fault(this, message, reason);
    this.writeFrame('ERROR', headers, detail);
    this.close(code, message, reason);
  }

  private crash(error: unknown): void {
    try {
      this.deps.logError(`session ${this.sessionId} failed`, error);
      this.fail('internal server error', 'The server failed to process a frame.');
    } catch {
      // Even the ERROR could not be written: the session still ends, and only this session.
      if (this.state !== 'closed') this.close(CloseCode.InternalError, 'internal server error', 'error');
    }
  }

  private close(code: number, wsReason: string, reason: string): void {
    if (this.state === 'closed') return;
    this.end(reason);
    this.connection.close(code, wsReason.slice(0, 120));
  }

  private end(reason: string): void {
    if (this.state === 'closed') return;
    const wasConnected = this.state === 'connected' || this.state === 'authenticating';
    this.state = 'closed';
    clearTimeout(this.connectTimer);
    this.connectTimer = undefined;
    this.cancelExpiry();
    this.heartbeat.stop();
    this.sendLimit?.stop();
    this.inbound.close();
    for (const record of this.subscriptions.values()) {
      record.stop?.();
      this.meter.unsubscribed();
    }
    this.subscriptions.clear();
    this.meter.closed();
    this.transactions?.clear();
    this.pending = undefined;
    this.deps.broker.unsubscribeAll(this.sessionId);
    if (wasConnected) {
      this.deps.users.disconnected(this.sessionId, this.principal?.name);
      this.deps.events.emit(StompEvents.Disconnected, { sessionId: this.sessionId, user: this.principal?.name, reason });
    }
    this.deps.log.ended(this, reason, wasConnected);
    this.deps.ended(this);
  }

  private dropSubscription(record: SubscriptionRecord): void {
    this.subscriptions.delete(record.id);
    this.meter.unsubscribed();
    if (record.stop) record.stop();
    else this.deps.broker.unsubscribe(this.sessionId, record.id);
    this.deps.events.emit(StompEvents.Unsubscribed, {
      sessionId: this.sessionId, user: this.principal?.name, subscriptionId: record.id, destination: record.destination,
    });
  }
}

const HEARTBEAT = Buffer.from('\n');
const NOTHING = (): void => undefined;
/** One SendLimits object per options object, shared by its sessions. */
const SEND_LIMITS = new WeakMap<SessionOptions, SendLimits>();

function isClientError(error: unknown): error is ClientError {
  return typeof error === 'object' && error !== null && typeof (error as ClientError).error === 'string'
    && typeof (error as ClientError).message === 'string';
}
