import 'reflect-metadata';
import type { PipeTransform, Type } from '@nestjs/common';

export const MESSAGE_MAPPING = 'message-routing:message-mapping';
export const SUBSCRIBE_MAPPING = 'message-routing:subscribe-mapping';
export const SEND_TO = 'message-routing:send-to';
export const SEND_TO_USER = 'message-routing:send-to-user';
export const EXCEPTION_HANDLER = 'message-routing:exception-handler';
export const PARAMS = 'message-routing:params';
/** The same parameters in Nest's route-arguments shape, read by its ExternalContextCreator (so pipes apply). */
export const STOMP_ARGS = 'message-routing:args';
export const CONTROLLER_ADVICE = 'message-routing:controller-advice';

export interface SendToUserOptions {
  /** false: only the session that sent the message, not every session of its user. */
  broadcast?: boolean;
}

export type ParamKind = 'payload' | 'variable' | 'header' | 'headers' | 'principal' | 'session' | 'error';
/**
 * Nest keys route arguments by a number per kind. The payload is Nest's BODY (3) and destination variables
 * its PARAM (5), as @nestjs/websockets numbers @MessageBody(): pipes then see `type: 'body'` / `'param'`, so
 * ValidationPipe validates them as it would an HTTP body; the rest are 'custom'.
 */
export const PARAM_TYPES: Readonly<Record<ParamKind, number>> = {
  payload: 3, variable: 5, header: 20, headers: 21, principal: 22, session: 23, error: 24,
};
export const KIND_OF_TYPE: ReadonlyMap<number, ParamKind> = new Map(Object.entries(PARAM_TYPES).map(([k, v]) => [v, k as ParamKind]));
type PipeArg = Type<PipeTransform> | PipeTransform;
export interface ParamSpec {
  index: number;
  kind: ParamKind;
  name?: string;
}

function methodMetadata(key: string, value: unknown): MethodDecorator {
  return (target, property) => {
    Reflect.defineMetadata(key, value, target, property);
  };
}

/**
 * Handles SENDs to `/app` + destination (Spring's @MessageMapping); `{name}` binds a path segment. On a
 * class it is a prefix for every mapping of the class, @SubscribeMapping included.
 */
export const MessageMapping = (destination: string): MethodDecorator & ClassDecorator =>
  ((target: object, property?: string | symbol) => {
    if (property === undefined) Reflect.defineMetadata(MESSAGE_MAPPING, destination, target);
    else Reflect.defineMetadata(MESSAGE_MAPPING, destination, target, property);
  }) as MethodDecorator & ClassDecorator;
/** Handles SUBSCRIBEs to `/app` + destination; the return value goes to that subscription only. */
export const SubscribeMapping = (destination: string): MethodDecorator => methodMetadata(SUBSCRIBE_MAPPING, destination);
/** Broadcasts the return value to a broker destination. */
export const SendTo = (destination: string): MethodDecorator => methodMetadata(SEND_TO, destination);
/** Sends the return value to `/user/...` of the sender (every session of the user unless broadcast: false). */
export const SendToUser = (destination: string, options: SendToUserOptions = {}): MethodDecorator =>
  methodMetadata(SEND_TO_USER, { destination, broadcast: options.broadcast ?? true });
/** Handles errors thrown by this class's handlers (or every handler, in a @MessageControllerAdvice). */
export const MessageExceptionHandler = (...types: (abstract new (...args: never[]) => unknown)[]): MethodDecorator =>
  methodMetadata(EXCEPTION_HANDLER, types);
/** Marks a provider whose @MessageExceptionHandler methods apply to every handler. */
export const MessageControllerAdvice = (): ClassDecorator => (target) => {
  Reflect.defineMetadata(CONTROLLER_ADVICE, true, target);
};

function param(kind: ParamKind, name?: string, pipes: PipeArg[] = []): ParameterDecorator {
  return (target, property, index) => {
    if (property === undefined) return;
    const list: ParamSpec[] = Reflect.getMetadata(PARAMS, target, property) ?? [];
    Reflect.defineMetadata(PARAMS, [...list, { index, kind, name }], target, property);
    const args = Reflect.getMetadata(STOMP_ARGS, target.constructor, property) ?? {};
    const key = `${PARAM_TYPES[kind]}:${index}`;
    Reflect.defineMetadata(STOMP_ARGS, { ...args, [key]: { index, data: name, pipes } }, target.constructor, property);
  };
}

/**
 * The body: JSON-decoded, converted to the parameter's class and validated with class-validator (or by
 * the pipes given here, or Nest's global and @UsePipes pipes, e.g. ValidationPipe).
 */
export const Payload = (...pipes: PipeArg[]): ParameterDecorator => param('payload', undefined, pipes);
/** A `{name}` segment of the mapping's destination. */
export const DestinationVariable = (name: string, ...pipes: PipeArg[]): ParameterDecorator => param('variable', name, pipes);
/** One header of the frame (undefined when absent). */
export const Header = (name: string, ...pipes: PipeArg[]): ParameterDecorator => param('header', name, pipes);
/** Every header of the frame, as a Map. */
export const Headers = (): ParameterDecorator => param('headers');
/** The user's name, or undefined for an anonymous session. */
export const Principal = (): ParameterDecorator => param('principal');
/** The SessionContext of the sender. */
export const Session = (): ParameterDecorator => param('session');
/** In an exception handler: the error. */
export const Exception = (): ParameterDecorator => param('error');
