export { STOMP_INTERCEPTOR, StompInterceptor, type StompChannelInterceptor } from '@app/stomp-session';
export { DestinationAuthorization, type DestinationAccess, type DestinationRule } from './destination-authorization';
export { destinationMatcher } from './destination-matcher';
