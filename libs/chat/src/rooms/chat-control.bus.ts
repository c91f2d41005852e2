import { randomBytes } from 'node:crypto';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { BROKER, createMessage, type BrokerMessage, type BrokerPort, type Subscriber } from '@app/messaging';

/** Where the chat's nodes tell each other what changed. Closed to clients (RoomAccessInterceptor). */
export const CHAT_CONTROL_DESTINATION = '/topic/chat-control';

/** A control message: a `type` and what it needs; kept small, the facts themselves are in the database. */
export interface ControlMessage {
  type: string;
  [field: string]: unknown;
}

type Handler = (message: ControlMessage) => void;

/**
 * The node-to-node channel of the chat, over the broker (in-process, or RabbitMQ between nodes): room
 * access changed, later moderation (bans, disconnects). Every node has one subscription; a node skips
 * what it published itself (it acted on it before publishing). When the broker says the subscription is
 * live again after an outage, `onLive` handlers run: messages published meanwhile are lost, so they
 * reload what they keep from the database.
 */
@Injectable()
export class ChatControlBus implements Subscriber, OnApplicationBootstrap, OnApplicationShutdown {
  /** Also this node's name on the bus. Not a client session: real session ids never contain ':'. */
  readonly sessionId = `chat-control:${randomBytes(6).toString('hex')}`;
  private readonly logger = new Logger('ChatControlBus');
  private readonly handlers = new Map<string, Handler[]>();
  private readonly liveHandlers: Array<() => void> = [];
  private subscribing = false;
  private subscribed = false;

  constructor(@Inject(BROKER) private readonly broker: BrokerPort) {}

  onApplicationBootstrap(): void {
    this.subscribing = true;
    try {
      this.broker.subscribe(this, 'control', CHAT_CONTROL_DESTINATION);
      this.subscribed = true;
    } finally {
      this.subscribing = false;
    }
  }

  onApplicationShutdown(): void {
    if (this.subscribed) this.broker.unsubscribe(this.sessionId, 'control');
    this.subscribed = false;
  }

  on(type: string, handler: Handler): void {
    this.handlers.set(type, [...(this.handlers.get(type) ?? []), handler]);
  }

  onLive(handler: () => void): void {
    this.liveHandlers.push(handler);
  }

  publish(message: ControlMessage): void {
    try {
      const body = JSON.stringify({ ...message, node: this.sessionId });
      this.broker.publish(createMessage(CHAT_CONTROL_DESTINATION, body, [['content-type', 'application/json']]));
    } catch (error) {
      this.logger.error(`publishing a ${message.type} control message failed: ${String(error)}`);
    }
  }

  deliver(message: BrokerMessage): void {
    let parsed: ControlMessage & { node?: unknown };
    try {
      parsed = JSON.parse(message.body.toString('utf8'));
    } catch {
      return this.logger.warn('a control message that is not JSON was dropped');
    }
    if (typeof parsed !== 'object' || parsed === null || typeof parsed.type !== 'string' || parsed.node === this.sessionId) return;
    for (const handler of this.handlers.get(parsed.type) ?? []) {
      try {
        handler(parsed);
      } catch (error) {
        this.logger.warn(`a ${parsed.type} control handler failed: ${String(error)}`);
      }
    }
  }

  live(): void {
    // Inside subscribe() (the in-process broker) nothing can have been missed.
    if (this.subscribing) return;
    for (const handler of this.liveHandlers) handler();
  }
}
