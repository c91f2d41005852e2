import type { ExternalContextCreator } from '@nestjs/core';
import type { StompHeaders } from '@app/stomp-codec';
import type { SessionContext } from '@app/stomp-session';
import type { HandlerMethod } from './handler-method';
import { parsePayload } from './payload-converter';
import { PayloadPipe } from './payload.pipe';
import { KIND_OF_TYPE, PARAM_TYPES, STOMP_ARGS } from './routing.decorators';

/** `ExecutionContext.getType()` inside guards and interceptors of message handlers. */
export const STOMP_CONTEXT_TYPE = 'stomp';

/** `context.switchToWs().getData()` for a message handler: the frame as the handler sees it. */
export interface StompMessageContext {
  destination: string;
  headers: StompHeaders;
  body: Buffer;
  /** `{name}` segments of the matched mapping. */
  variables: ReadonlyMap<string, string>;
  /** Set for @SubscribeMapping: the subscription the reply goes to. */
  subscriptionId?: string;
}

export type InvokeHandler = (session: SessionContext, message: StompMessageContext) => Promise<unknown>;

const PAYLOAD = PARAM_TYPES.payload;

/** Reads one handler argument from (session, message), the two arguments of every invocation. */
const paramsFactory = {
  exchangeKeyForValue(type: number, data: unknown, [session, message]: [SessionContext, StompMessageContext]): unknown {
    switch (KIND_OF_TYPE.get(type)) {
      case 'payload': return parsePayload(message.body, data === 'buffer' ? Buffer : data === 'string' ? String : Object);
      case 'variable': return message.variables.get(String(data));
      case 'header': return message.headers.get(String(data));
      case 'headers': return message.headers;
      case 'principal': return session.principal?.name;
      case 'session': return session;
      default: return undefined;
    }
  },
};

/**
 * Wraps a handler method the way @nestjs/websockets wraps a gateway's: through Nest's context creator,
 * so guards, interceptors, pipes and exception filters declared on it, on its class or globally all run.
 * A method without parameter decorators whose first parameter has a type gets the payload there, as a
 * Spring method with one undecorated argument does.
 */
export function createInvoker(creator: ExternalContextCreator, handler: HandlerMethod): InvokeHandler {
  const proto = Object.getPrototypeOf(handler.instance) as object;
  const args = Reflect.getMetadata(STOMP_ARGS, proto.constructor, handler.name) as Record<string, unknown> | undefined;
  if (!args && handler.paramTypes.length > 0) {
    Reflect.defineMetadata(STOMP_ARGS, { [`${PAYLOAD}:0`]: { index: 0, data: undefined, pipes: [] } }, proto.constructor, handler.name);
  }
  // The payload's own conversion runs first; the handler's pipes then see the converted value.
  const current = Reflect.getMetadata(STOMP_ARGS, proto.constructor, handler.name) as Record<string, { index: number; data?: string; pipes: unknown[] }> | undefined;
  for (const [key, entry] of Object.entries(current ?? {})) {
    if (!key.startsWith(`${PAYLOAD}:`)) continue;
    // The raw type decides how the body is read before any pipe sees it.
    const type = handler.paramTypes[entry.index];
    entry.data = type === Buffer ? 'buffer' : type === String ? 'string' : 'json';
    if (!entry.pipes.some((p) => p instanceof PayloadPipe)) entry.pipes = [new PayloadPipe(), ...entry.pipes];
  }
  return creator.create(
    handler.instance, handler.method, handler.name, STOMP_ARGS, paramsFactory,
    undefined, undefined, { guards: true, interceptors: true, filters: true }, STOMP_CONTEXT_TYPE,
  ) as InvokeHandler;
}
