export { STOMP_INTERCEPTOR, StompInterceptor, type StompChannelInterceptor } from '@app/stomp-session';
export {
  DestinationAuthorization, type DestinationAccess, type DestinationAccessContext, type DestinationRule,
} from './destination-authorization';
export { destinationMatcher, compileDestinationPattern, type CompiledDestinationPattern } from './destination-matcher';
