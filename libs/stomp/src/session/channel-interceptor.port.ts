import 'reflect-metadata';
import type { StompFrame } from '@app/stomp-codec';
import type { BrokerMessage } from '@app/messaging';
import type { SessionContext } from './stomp-application.port';

/**
 * Spring's ChannelInterceptor for STOMP: sees every inbound frame before the session acts on it, and
 * every MESSAGE before it is written to a subscriber.
 * - `preSend` may return a changed frame, nothing (go on), or throw a StompClientError to refuse: a
 *   refused CONNECT gets an ERROR and a close; any other frame is answered on the session's error
 *   destination (`{error, message, destination}`) and nothing happens.
 * - `preDeliver` returns false to withhold a message from this one subscription.
 */
export interface StompChannelInterceptor {
  preSend?(frame: StompFrame, session: SessionContext): StompFrame | void;
  preDeliver?(message: BrokerMessage, subscription: { id: string; destination: string }, session: SessionContext): boolean;
}

export const STOMP_INTERCEPTOR = 'stomp:interceptor';

/** Marks a provider as a channel interceptor; lower `order` runs first (destination rules run at 0). */
export const StompInterceptor = (options: { order?: number } = {}): ClassDecorator => (target) => {
  Reflect.defineMetadata(STOMP_INTERCEPTOR, { order: options.order ?? 100 }, target);
};
