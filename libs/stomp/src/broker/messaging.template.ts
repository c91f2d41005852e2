import { Inject, Injectable } from '@nestjs/common';
import { createMessage, type BrokerMessage } from './broker-message';
import { BROKER, type BrokerPort } from './broker.port';
import {
  USER_BROADCAST_DESTINATION,
  USER_DESTINATION_HEADER,
  USER_TARGET_HEADER,
  UserDestinations,
} from '../user/user-destinations';

export type MessageHeaders =
  | ReadonlyMap<string, string>
  | Iterable<readonly [string, string]>
  | Readonly<Record<string, string>>;

/** What the template can convert: bytes, text, or anything JSON.stringify turns into JSON. */
export type Payload = Buffer | Uint8Array | string | number | boolean | null | object;

export const JSON_CONTENT_TYPE = 'application/json';
export const TEXT_CONTENT_TYPE = 'text/plain;charset=UTF-8';
export const BINARY_CONTENT_TYPE = 'application/octet-stream';

/**
 * Spring's SimpMessagingTemplate: how any provider sends to subscribers without knowing the broker or
 * the protocol. Payloads are converted once: Buffer → application/octet-stream, string →
 * text/plain;charset=UTF-8, anything else → JSON (application/json). A `content-type` in `headers` wins.
 */
@Injectable()
export class MessagingTemplate {
  constructor(
    @Inject(BROKER) private readonly broker: BrokerPort,
    private readonly userDestinations: UserDestinations,
  ) {}

  convertAndSend(destination: string, payload: Payload, headers?: MessageHeaders): void {
    this.broker.publish(this.toMessage(destination, payload, headers));
  }

  /**
   * To every session of `user` subscribed to `/user` + destination (`/queue/x` or `/user/queue/x`), on
   * every node: published once to the user broadcast destination and resolved by each node.
   */
  convertAndSendToUser(user: string, destination: string, payload: Payload, headers?: MessageHeaders): void {
    if (typeof user !== 'string' || user.length === 0) throw new TypeError('convertAndSendToUser needs a user name');
    const queue = this.userDestinations.queueOf(destination);
    this.broker.publish(
      this.convert(USER_BROADCAST_DESTINATION, payload, headers, [
        [USER_TARGET_HEADER, user],
        [USER_DESTINATION_HEADER, queue],
      ]),
    );
  }

  /** To one session's `/user` + destination subscription (e.g. that session's `/user/queue/errors`). */
  convertAndSendToSession(sessionId: string, destination: string, payload: Payload, headers?: MessageHeaders): void {
    const target = this.userDestinations.sessionDestination(sessionId, destination);
    this.broker.publish(this.toMessage(target, payload, headers));
  }

  /** The conversion the send methods use, for callers that publish themselves. */
  toMessage(destination: string, payload: Payload, headers?: MessageHeaders): BrokerMessage {
    return this.convert(destination, payload, headers, []);
  }

  private convert(
    destination: string,
    payload: Payload,
    headers: MessageHeaders | undefined,
    routing: [string, string][],
  ): BrokerMessage {
    if (typeof destination !== 'string' || destination.length === 0) throw new TypeError('a destination is required');
    const all = new Map<string, string>();
    let body: Buffer | string;
    if (Buffer.isBuffer(payload) || payload instanceof Uint8Array) {
      body = Buffer.isBuffer(payload) ? payload : Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength);
      all.set('content-type', BINARY_CONTENT_TYPE);
    } else if (typeof payload === 'string') {
      body = payload;
      all.set('content-type', TEXT_CONTENT_TYPE);
    } else {
      const json: string | undefined = JSON.stringify(payload);
      if (json === undefined) throw new TypeError(`cannot convert a ${typeof payload} payload to JSON`);
      body = json;
      all.set('content-type', JSON_CONTENT_TYPE);
    }
    for (const [name, value] of headerEntries(headers)) all.set(name, value);
    for (const [name, value] of routing) all.set(name, value);
    return createMessage(destination, body, all);
  }
}

function headerEntries(headers: MessageHeaders | undefined): Iterable<readonly [string, string]> {
  if (headers === undefined) return [];
  if (headers instanceof Map || Symbol.iterator in headers) return headers as Iterable<readonly [string, string]>;
  return Object.entries(headers as Record<string, string>);
}
