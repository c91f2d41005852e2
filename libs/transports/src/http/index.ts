export { isOriginAllowed, requestOriginAllowed, type AllowedOrigins } from '@app/stomp-transport';
export { OriginMiddleware } from './origin.middleware';
export { JsonBodyMiddleware } from './json-body.middleware';
export { HttpErrorFilter } from './http-error.filter';
export { AuthenticationGuard, RequestPrincipal } from './authentication.guard';
export { HttpDoor } from './http-door.decorator';
export { ACCESS_TOKEN_SCHEME, BEARER_SCHEME, OPENAPI_SCHEMAS } from './openapi-docs';
export { requestCredentials } from './request-credentials';
export { HttpError, type ErrorBody } from './http-error';
export { sendError } from './send-error';
export { accessLog } from './access-log';
export { sseEvent, SSE_HEARTBEAT } from './sse-encoding';
export { SseHub } from './sse-hub';
export { SseStream, type SendLimits } from './sse-stream';
export { LongPollService } from './long-poll.service';
export { RoomsController } from './rooms.controller';
export { RoomMembersController } from './room-members.controller';
export { LongPollController } from './long-poll.controller';
export { SseController } from './sse.controller';
export {
  DEFAULT_HTTP_TRANSPORT_OPTIONS,
  HTTP_TRANSPORT_OPTIONS,
  type HttpTransportOptions,
} from './http-transport-options';
export { HttpTransportsModule } from './http-transports.module';
