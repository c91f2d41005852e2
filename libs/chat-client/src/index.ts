// The chat server's client library (README.md next to this folder): runs in browsers and in Node 20.
export { ChatClient, type ChatClientEvents, type ChatClientOptions, type JoinOptions, type SendOptions } from './chat-client';
export {
  ChatClientError,
  CLIENT_ERROR_CODES,
  SERVER_ERROR_CODES,
  type ChatErrorCode,
  type ClientErrorCode,
  type ServerErrorCode,
} from './errors';
export {
  TRANSPORTS,
  isTransportKind,
  type ChatMessage,
  type ConnectionState,
  type PresenceEvent,
  type PresenceUser,
  type RoomEvent,
  type RoomEventType,
  type RoomJoined,
  type StateChange,
  type TransportKind,
} from './types';
export { backoffDelay } from './backoff';
export type { IoLike, SockJsLike, WebSocketLike } from './links/link';
