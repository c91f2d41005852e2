// The reusable STOMP broker: what Spring splits into spring-messaging and spring-websocket. Nothing here
// knows the chat, the server's environment schema or its metrics registry (a lint rule keeps it so).
export * from './codec';
export * from './broker';
export * from './relay';
export * from './session';
export * from './annotation';
export * from './transport';
export * from './module';
export * from './asyncapi';
export {
  DestinationAuthorization, destinationMatcher, compileDestinationPattern,
  type DestinationAccess, type DestinationAccessContext, type DestinationRule, type CompiledDestinationPattern,
} from './security';
// Two names are both a type and a decorator: the decorators keep the Spring names.
export { Payload, Principal } from './annotation';
export type { Payload as MessagePayload } from './broker';
export type { Principal as StompPrincipal } from './session';
