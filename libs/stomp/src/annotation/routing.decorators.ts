import 'reflect-metadata';

export const MESSAGE_MAPPING = 'message-routing:message-mapping';
export const SUBSCRIBE_MAPPING = 'message-routing:subscribe-mapping';
export const SEND_TO = 'message-routing:send-to';
export const SEND_TO_USER = 'message-routing:send-to-user';
export const EXCEPTION_HANDLER = 'message-routing:exception-handler';
export const PARAMS = 'message-routing:params';
export const CONTROLLER_ADVICE = 'message-routing:controller-advice';

export interface SendToUserOptions {
  /** false: only the session that sent the message, not every session of its user. */
  broadcast?: boolean;
}

export type ParamKind = 'payload' | 'variable' | 'header' | 'headers' | 'principal' | 'session' | 'error';
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

/** Handles SENDs to `/app` + destination (Spring's @MessageMapping); `{name}` binds a path segment. */
export const MessageMapping = (destination: string): MethodDecorator => methodMetadata(MESSAGE_MAPPING, destination);
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

function param(kind: ParamKind, name?: string): ParameterDecorator {
  return (target, property, index) => {
    if (property === undefined) return;
    const list: ParamSpec[] = Reflect.getMetadata(PARAMS, target, property) ?? [];
    Reflect.defineMetadata(PARAMS, [...list, { index, kind, name }], target, property);
  };
}

/** The body: JSON-decoded, converted to the parameter's class and validated with class-validator. */
export const Payload = (): ParameterDecorator => param('payload');
/** A `{name}` segment of the mapping's destination. */
export const DestinationVariable = (name: string): ParameterDecorator => param('variable', name);
/** One header of the frame (undefined when absent). */
export const Header = (name: string): ParameterDecorator => param('header', name);
/** Every header of the frame, as a Map. */
export const Headers = (): ParameterDecorator => param('headers');
/** The user's name, or undefined for an anonymous session. */
export const Principal = (): ParameterDecorator => param('principal');
/** The SessionContext of the sender. */
export const Session = (): ParameterDecorator => param('session');
/** In an exception handler: the error. */
export const Exception = (): ParameterDecorator => param('error');
