export { SockJsTransport } from './sockjs.transport';
export type { SockJsLimits, SockJsLog, SockJsTransportOptions } from './sockjs.transport';
export { SockJsConnectionAdapter, SOCKJS_CLOSE } from './sockjs-connection.adapter';
export type { SockJsSendLimits } from './sockjs-connection.adapter';
export type { OriginPolicy } from './sockjs-request-guards';
