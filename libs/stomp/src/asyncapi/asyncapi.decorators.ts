import 'reflect-metadata';
import type { SchemaSource } from './json-schema';

export const ASYNCAPI_OPERATION = 'stomp-asyncapi:operation';
export const ASYNCAPI_PUBLISHES = 'stomp-asyncapi:publishes';

export interface AsyncApiOperationOptions {
  summary?: string;
  description?: string;
  /** The body clients send, when the @Payload parameter's type does not say (a plain object type). */
  payload?: SchemaSource;
  /** What the return value looks like: the reply of @SendTo, @SendToUser or @SubscribeMapping. */
  reply?: SchemaSource;
}

export interface AsyncApiPublication {
  /** A broker destination as clients subscribe to it (`/topic/rooms/{room}`, `/user/queue/messages`). */
  destination: string;
  summary?: string;
  description?: string;
  payload?: SchemaSource;
}

/**
 * Words for the generated AsyncAPI operation of a @MessageMapping / @SubscribeMapping method (Springwolf's
 * @AsyncOperation). Only documentation: routing never reads it.
 */
export const AsyncApiOperation = (options: AsyncApiOperationOptions): MethodDecorator => (target, property) => {
  Reflect.defineMetadata(ASYNCAPI_OPERATION, options, target, property);
};

/**
 * A destination the handler publishes to by itself (through MessagingTemplate or a service), which its
 * metadata cannot show (Springwolf's @AsyncPublisher). Repeatable; only documentation.
 */
export const AsyncApiPublishes = (destination: string, options: Omit<AsyncApiPublication, 'destination'> = {}): MethodDecorator =>
  (target, property) => {
    const list: AsyncApiPublication[] = Reflect.getMetadata(ASYNCAPI_PUBLISHES, target, property) ?? [];
    // Decorators apply bottom-up: prepend, so the list reads in source order.
    Reflect.defineMetadata(ASYNCAPI_PUBLISHES, [{ destination, ...options }, ...list], target, property);
  };

export function operationDocs(controller: object, method: string): AsyncApiOperationOptions {
  return Reflect.getMetadata(ASYNCAPI_OPERATION, (controller as { prototype: object }).prototype, method) ?? {};
}

export function publicationDocs(controller: object, method: string): AsyncApiPublication[] {
  return Reflect.getMetadata(ASYNCAPI_PUBLISHES, (controller as { prototype: object }).prototype, method) ?? [];
}
