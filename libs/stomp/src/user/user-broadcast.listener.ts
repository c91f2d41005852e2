import { Inject, Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { nextMessageId, type BrokerMessage } from '../broker/broker-message';
import { BROKER, type BrokerPort, type Subscriber } from '../broker/broker.port';
import {
  USER_BROADCAST_DESTINATION,
  USER_DESTINATION_HEADER,
  USER_TARGET_HEADER,
  UserDestinations,
} from './user-destinations';

const SUBSCRIPTION_ID = 'user-broadcast';

/**
 * Resolves "send to user U" on every node. The template publishes the message once to
 * USER_BROADCAST_DESTINATION; with the simple broker that reaches this listener at once, with the relay it
 * reaches the listener of every node. Each listener publishes to the destinations of U's sessions that it
 * knows (its own node's), so a user with sessions on two nodes gets the message on both, exactly once
 * per session.
 */
@Injectable()
export class UserBroadcastListener implements Subscriber, OnModuleInit, OnModuleDestroy {
  /** Not a client session: real session ids never contain ':'. */
  readonly sessionId = 'system:user-broadcast';
  private attached = false;

  constructor(
    @Inject(BROKER) private readonly broker: BrokerPort,
    private readonly destinations: UserDestinations,
  ) {}

  onModuleInit(): void {
    this.attach();
  }

  onModuleDestroy(): void {
    this.detach();
  }

  attach(): void {
    if (this.attached) return;
    this.broker.subscribe(this, SUBSCRIPTION_ID, USER_BROADCAST_DESTINATION);
    this.attached = true;
  }

  detach(): void {
    if (!this.attached) return;
    this.broker.unsubscribe(this.sessionId, SUBSCRIPTION_ID);
    this.attached = false;
  }

  deliver(message: BrokerMessage): void {
    const user = message.headers.get(USER_TARGET_HEADER);
    const destination = message.headers.get(USER_DESTINATION_HEADER);
    if (user === undefined || destination === undefined) return;
    const targets = this.destinations.userDestinations(user, destination);
    if (targets.length === 0) return;
    const headers = new Map(message.headers);
    headers.delete(USER_TARGET_HEADER);
    headers.delete(USER_DESTINATION_HEADER);
    for (const target of targets) {
      // Each session has its own destination, so each gets its own message; body and headers are shared.
      this.broker.publish({ id: nextMessageId(), destination: target, headers, body: message.body, isText: message.isText, encodings: new Map() });
    }
  }
}
