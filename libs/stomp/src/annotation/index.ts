export {
  DestinationVariable,
  Exception,
  Header,
  Headers,
  MessageControllerAdvice,
  MessageExceptionHandler,
  MessageMapping,
  Payload,
  Principal,
  SendTo,
  SendToUser,
  Session,
  SubscribeMapping,
  type SendToUserOptions,
} from './routing.decorators';
export { DestinationPattern } from './destination-pattern';
export { MessagePayloadError, convertPayload } from './payload-converter';
export { APP_PREFIX, MessageRouter, ROUTING_OPTIONS, type HandlerMapping, type RoutingOptions } from './message-router';
export { MessageRoutingModule } from './message-routing.module';
export { StompClientError, clientErrorOf } from '@app/stomp-session';
export { PayloadPipe } from './payload.pipe';
export { STOMP_CONTEXT_TYPE, type StompMessageContext } from './handler-invoker';
