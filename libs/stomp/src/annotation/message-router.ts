import { Inject, Injectable, Logger, OnModuleInit, Optional } from '@nestjs/common';
import { DiscoveryService, ExternalContextCreator, MetadataScanner } from '@nestjs/core';
import type { StompHeaders } from '@app/stomp-codec';
import { MessagingTemplate } from '@app/messaging';
import type { SessionContext } from '@app/stomp-session';
import { DestinationPattern } from './destination-pattern';
import { HandlerTable, type ExceptionHandlerMethod, type HandlerMethod } from './handler-method';
import { clientErrorOf } from '@app/stomp-session';
import { createInvoker } from './handler-invoker';
import { convertPayload } from './payload-converter';
import {
  CONTROLLER_ADVICE,
  EXCEPTION_HANDLER,
  MESSAGE_MAPPING,
  PARAMS,
  SEND_TO,
  SEND_TO_USER,
  SUBSCRIBE_MAPPING,
  type ParamSpec,
} from './routing.decorators';

export const APP_PREFIX = '/app';

/** Provider token: where the router listens and reports (the broker module fills it from its options). */
export const ROUTING_OPTIONS = Symbol('RoutingOptions');
export interface RoutingOptions {
  /** Default `/app`. */
  applicationPrefix: string;
  /** Per-session error destination (Spring's @SendToUser("/queue/errors")); default `/queue/errors`. */
  errorDestination: string;
  /** Where a handler's return value goes without @SendTo: this + the mapping (Spring: `/topic`). */
  defaultBrokerPrefix: string;
}
const DEFAULT_ROUTING: RoutingOptions = { applicationPrefix: APP_PREFIX, errorDestination: '/queue/errors', defaultBrokerPrefix: '/topic' };

/** One discovered handler as documents see it (AsyncAPI, a list of destinations): what, not how. */
export interface HandlerMapping {
  kind: 'message' | 'subscribe';
  /** The destination a client names: the application prefix + the (class prefix +) mapping. */
  destination: string;
  /** `{name}` segments of the destination, in order. */
  variables: readonly string[];
  /** The handler's class and method, where documentation decorators are read from. */
  controller: abstract new (...args: never[]) => unknown;
  methodName: string;
  /** The @Payload parameter's declared type (a DTO class, String, Buffer, Object), if the handler takes one. */
  payloadType?: unknown;
  /** Frame headers the handler reads through @Header. */
  headers: readonly string[];
  sendTo?: string;
  sendToUser?: { destination: string; broadcast: boolean };
}

interface Invocation {
  ctx: SessionContext;
  destination: string;
  headers: StompHeaders;
  body: Buffer;
  variables: Map<string, string>;
  subscriptionId?: string;
}

/**
 * Spring's SimpAnnotationMethodMessageHandler for Nest: finds @MessageMapping / @SubscribeMapping methods on
 * every provider and controller (as Nest finds its own gateways), and dispatches `/app` frames to them.
 */
@Injectable()
export class MessageRouter implements OnModuleInit {
  private readonly logger = new Logger('MessageRouter');
  private readonly messages = new HandlerTable();
  private readonly subscriptions = new HandlerTable();
  private readonly advice: ExceptionHandlerMethod[] = [];
  private readonly registered: HandlerMethod[] = [];

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly template: MessagingTemplate,
    private readonly contexts: ExternalContextCreator,
    @Optional() @Inject(ROUTING_OPTIONS) routing?: RoutingOptions,
  ) {
    this.routing = { ...DEFAULT_ROUTING, ...routing };
  }

  private readonly routing: RoutingOptions;

  onModuleInit(): void {
    const wrappers = [...this.discovery.getProviders(), ...this.discovery.getControllers()];
    for (const wrapper of wrappers) {
      const instance: unknown = wrapper.instance;
      if (!instance || typeof instance !== 'object' || !wrapper.isDependencyTreeStatic()) continue;
      this.register(instance);
    }
    this.logger.log(`${this.messages.size} message and ${this.subscriptions.size} subscribe mappings`);
  }

  /** Registers one object's handlers (discovery calls this; tests may too). */
  register(instance: object): void {
    const proto = Object.getPrototypeOf(instance) as object;
    const names = this.scanner.getAllMethodNames(proto);
    const exceptionHandlers = names.flatMap((name) => this.exceptionHandler(instance, proto, name) ?? []);
    if (Reflect.getMetadata(CONTROLLER_ADVICE, proto.constructor)) this.advice.push(...exceptionHandlers);
    // A class-level @MessageMapping is a prefix for every mapping of the class (Spring's type-level mapping).
    const prefix: string = Reflect.getMetadata(MESSAGE_MAPPING, proto.constructor) ?? '';
    for (const name of names) {
      for (const [key, kind, table] of [
        [MESSAGE_MAPPING, 'message', this.messages],
        [SUBSCRIBE_MAPPING, 'subscribe', this.subscriptions],
      ] as const) {
        const destination: string | undefined = Reflect.getMetadata(key, proto, name);
        if (destination === undefined) continue;
        const handler: HandlerMethod = {
          kind,
          pattern: new DestinationPattern(joinPrefix(prefix, destination)),
          instance,
          name,
          method: (proto as Record<string, (...args: unknown[]) => unknown>)[name]!,
          params: Reflect.getMetadata(PARAMS, proto, name) ?? [],
          paramTypes: Reflect.getMetadata('design:paramtypes', proto, name) ?? [],
          sendTo: Reflect.getMetadata(SEND_TO, proto, name),
          sendToUser: Reflect.getMetadata(SEND_TO_USER, proto, name),
          exceptionHandlers,
          invoke: () => Promise.reject(new Error('not ready')),
        };
        handler.invoke = createInvoker(this.contexts, handler);
        table.add(handler);
        this.registered.push(handler);
      }
    }
  }

  /** Every handler registered so far, in registration order. */
  mappings(): HandlerMapping[] {
    return this.registered.map((h) => {
      const payload = h.params.find((p) => p.kind === 'payload');
      // A handler without parameter decorators takes the payload as its first parameter (see createInvoker).
      const payloadIndex = payload?.index ?? (h.params.length === 0 && h.paramTypes.length > 0 ? 0 : undefined);
      return {
        kind: h.kind,
        destination: this.routing.applicationPrefix + h.pattern.pattern,
        variables: [...h.pattern.variables],
        controller: (Object.getPrototypeOf(h.instance) as object).constructor as HandlerMapping['controller'],
        methodName: h.name,
        ...(payloadIndex !== undefined && { payloadType: h.paramTypes[payloadIndex] }),
        headers: h.params.filter((p) => p.kind === 'header').map((p) => p.name!),
        ...(h.sendTo !== undefined && { sendTo: h.sendTo }),
        ...(h.sendToUser !== undefined && { sendToUser: { ...h.sendToUser } }),
      };
    });
  }

  /** A SEND to `/app/**`: true when handled, false when an error went to the sender. */
  async dispatchSend(ctx: SessionContext, destination: string, headers: StompHeaders, body: Buffer): Promise<boolean> {
    return this.dispatch(this.messages, { ctx, destination, headers, body, variables: new Map() });
  }

  /** A SUBSCRIBE to `/app/**`: the return value goes to that subscription only. */
  async dispatchSubscribe(ctx: SessionContext, subscriptionId: string, destination: string, headers: StompHeaders): Promise<boolean> {
    return this.dispatch(this.subscriptions, { ctx, destination, headers, body: Buffer.alloc(0), variables: new Map(), subscriptionId });
  }

  /** Sends `{error, message, receiptId?}` to the session's `/user/queue/errors`. */
  reportError(ctx: SessionContext, error: { error: string; message: string; receiptId?: string }): void {
    this.template.convertAndSendToSession(ctx.sessionId, this.routing.errorDestination, error);
  }

  private async dispatch(table: HandlerTable, inv: Invocation): Promise<boolean> {
    const prefix = this.routing.applicationPrefix;
    const lookup = inv.destination.startsWith(prefix + '/') ? inv.destination.slice(prefix.length) : undefined;
    const found = lookup === undefined ? undefined : table.find(lookup);
    if (!found) {
      this.reportError(inv.ctx, withReceipt(inv, { error: 'no-handler', message: `Nothing handles ${inv.destination}.` }));
      return false;
    }
    inv.variables = found.variables;
    const { handler } = found;
    try {
      const result = await handler.invoke(inv.ctx, {
        destination: inv.destination, headers: inv.headers, body: inv.body, variables: inv.variables, subscriptionId: inv.subscriptionId,
      });
      this.handleReturn(handler, inv, result);
      return true;
    } catch (error) {
      await this.handleError(handler, inv, error);
      return false;
    }
  }

  private handleReturn(handler: HandlerMethod, inv: Invocation, result: unknown): void {
    if (result === undefined) return;
    if (handler.sendToUser) return this.sendToUser(inv.ctx, handler.sendToUser.destination, handler.sendToUser.broadcast, result);
    if (handler.sendTo) return this.template.convertAndSend(handler.sendTo, result as object);
    if (handler.kind === 'subscribe' && inv.subscriptionId !== undefined) {
      const message = this.template.toMessage(inv.destination, result as object);
      return inv.ctx.sendToSubscription(inv.subscriptionId, message);
    }
    // Spring's default: the broker destination named like the mapping, under /topic.
    this.template.convertAndSend(this.routing.defaultBrokerPrefix + inv.destination.slice(this.routing.applicationPrefix.length), result as object);
  }

  private sendToUser(ctx: SessionContext, destination: string, broadcast: boolean, payload: unknown): void {
    if (broadcast && ctx.principal) this.template.convertAndSendToUser(ctx.principal.name, destination, payload as object);
    else this.template.convertAndSendToSession(ctx.sessionId, destination, payload as object);
  }

  private async handleError(handler: HandlerMethod, inv: Invocation, error: unknown): Promise<void> {
    const eh = [...handler.exceptionHandlers, ...this.advice].find(
      (h) => h.types.length === 0 || h.types.some((t) => error instanceof (t as unknown as new () => unknown)),
    );
    if (eh) {
      try {
        const result = await eh.method.apply(eh.instance, await Promise.all(this.arguments(eh.params, [], inv, error)));
        if (result === undefined) return;
        const target = eh.sendToUser ?? { destination: this.routing.errorDestination, broadcast: false };
        return this.sendToUser(inv.ctx, target.destination, target.broadcast, result);
      } catch (second) {
        error = second;
      }
    }
    const known = clientErrorOf(error);
    if (!known) this.logger.error(`handler ${handler.name} for ${inv.destination} failed`, (error as Error)?.stack);
    this.reportError(inv.ctx, withReceipt(inv, known ?? { error: 'internal-error', message: 'The server could not handle this message.' }));
  }

  private arguments(params: ParamSpec[], types: unknown[], inv: Invocation, error: unknown): unknown[] {
    const args: unknown[] = new Array(Math.max(types.length, ...params.map((p) => p.index + 1), 0)).fill(undefined);
    for (const p of params) {
      switch (p.kind) {
        case 'payload': args[p.index] = convertPayload(inv.body, types[p.index]); break;
        case 'variable': args[p.index] = inv.variables.get(p.name!); break;
        case 'header': args[p.index] = inv.headers.get(p.name!); break;
        case 'headers': args[p.index] = inv.headers; break;
        case 'principal': args[p.index] = inv.ctx.principal?.name; break;
        case 'session': args[p.index] = inv.ctx; break;
        case 'error': args[p.index] = error; break;
      }
    }
    return args;
  }

  private exceptionHandler(instance: object, proto: object, name: string): ExceptionHandlerMethod | undefined {
    const types = Reflect.getMetadata(EXCEPTION_HANDLER, proto, name);
    if (!types) return undefined;
    return {
      instance,
      method: (proto as Record<string, (...args: unknown[]) => unknown>)[name]!,
      types,
      params: Reflect.getMetadata(PARAMS, proto, name) ?? [],
      sendToUser: Reflect.getMetadata(SEND_TO_USER, proto, name),
    };
  }
}

function joinPrefix(prefix: string, destination: string): string {
  if (!prefix) return destination;
  return `${prefix.replace(/\/+$/, '')}/${destination.replace(/^\/+/, '')}`.replace(/\/+$/, '') || '/';
}

function withReceipt(inv: Invocation, body: { error: string; message: string }): { error: string; message: string; receiptId?: string } {
  const receiptId = inv.headers.get('receipt');
  return receiptId === undefined ? body : { ...body, receiptId };
}

