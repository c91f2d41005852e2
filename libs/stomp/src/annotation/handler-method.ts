import { DestinationPattern } from './destination-pattern';
import type { InvokeHandler } from './handler-invoker';
import type { ParamSpec, SendToUserOptions } from './routing.decorators';

export type ErrorType = abstract new (...args: never[]) => unknown;

export interface ExceptionHandlerMethod {
  instance: object;
  method: (...args: unknown[]) => unknown;
  types: ErrorType[];
  params: ParamSpec[];
  sendToUser?: { destination: string } & Required<SendToUserOptions>;
}

/** One discovered @MessageMapping / @SubscribeMapping method, ready to invoke. */
export interface HandlerMethod {
  kind: 'message' | 'subscribe';
  pattern: DestinationPattern;
  instance: object;
  name: string;
  method: (...args: unknown[]) => unknown;
  params: ParamSpec[];
  paramTypes: unknown[];
  sendTo?: string;
  sendToUser?: { destination: string } & Required<SendToUserOptions>;
  /** The class's own exception handlers, tried before the advice ones. */
  exceptionHandlers: ExceptionHandlerMethod[];
  /** The method wrapped in Nest's pipeline (guards, interceptors, pipes, filters). */
  invoke: InvokeHandler;
}

/** Handlers of one kind: literal destinations in a Map, patterns tried in declaration order. */
export class HandlerTable {
  private readonly literal = new Map<string, HandlerMethod>();
  private readonly patterns: HandlerMethod[] = [];

  add(handler: HandlerMethod): void {
    if (handler.pattern.isLiteral) {
      if (this.literal.has(handler.pattern.pattern)) throw new Error(`two handlers for ${handler.pattern.pattern}`);
      this.literal.set(handler.pattern.pattern, handler);
    } else {
      this.patterns.push(handler);
    }
  }

  find(destination: string): { handler: HandlerMethod; variables: Map<string, string> } | undefined {
    const exact = this.literal.get(destination);
    if (exact) return { handler: exact, variables: new Map() };
    for (const handler of this.patterns) {
      const variables = handler.pattern.match(destination);
      if (variables) return { handler, variables };
    }
    return undefined;
  }

  get size(): number {
    return this.literal.size + this.patterns.length;
  }
}
