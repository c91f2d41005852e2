export type { ChatRepository, NewMessage, AppendResult, RoomSummary, StoredMessage } from './chat-repository.port';
export { CHAT_REPOSITORY } from './chat-repository.port';
export type { ChatApi, PostInput, HistoryQuery, RoomFollow } from './chat-api.port';
export { CHAT_API } from './chat-api.port';
export { ChatError, CHAT_ERRORS, isChatError, type ChatErrorCode } from './chat-error';
export {
  PostMessageDto,
  validatePost,
  validateRoom,
  messageFields,
  ROOM_PATTERN,
  MAX_TEXT,
  MAX_FROM,
  MAX_CLIENT_MESSAGE_ID,
  type ValidPost,
} from './post-message.dto';
export {
  renderStoredMessage,
  roomMessage,
  publishedRoomMessage,
  withoutSeq,
  messagesFeedMessage,
  roomDestination,
  formatTime,
  chatIdOf,
  chatSeqOf,
  CHAT_ID_HEADER,
  CHAT_SEQ_HEADER,
  MESSAGES_FEED_ROOM,
  MESSAGES_FEED_DESTINATION,
  type StoredMessageJson,
} from './chat-message.render';
export { MessageWriter, type MessageWriterOptions, type MessageWriterStats, type CommittedWrite } from './message.writer';
export { ReplayingSubscriber, type ReplaySource, type ReplayingSubscriberOptions } from './replaying.subscriber';
export { RoomFeeds, type RoomHistory, type FeedConsumer, type FeedHandle, type RoomFeedOptions, type RoomFeedStats } from './room-feed';
export {
  ChatService,
  CHAT_OPTIONS,
  DEFAULT_HISTORY_LIMIT,
  MAX_HISTORY_LIMIT,
  type ChatOptions,
  type ChatInput,
} from './chat.service';
export { ChatModule } from './chat.module';
export { JwtAuthenticator, type JwtKeys } from './identity/jwt.authenticator';
export { IdentityModule, jwtKeysFrom } from './identity/identity.module';
export { NAME_FORBIDDEN, nameKey, wellFormed } from './user-name';
export { SignedInNames } from './stomp/signed-in-names';
export { ChatController } from './stomp/chat.controller';
export { ChatStompApplication } from './stomp/chat-stomp.application';
export { ChatStompModule } from './stomp/chat-stomp.module';
export {
  CHAT_FEED_MESSAGE_SCHEMA,
  CHAT_POST_SCHEMA,
  DIRECT_MESSAGE_POST_SCHEMA,
  DIRECT_MESSAGE_SCHEMA,
  ERROR_BODY_SCHEMA,
  HISTORY_SCHEMA,
  PRESENCE_SNAPSHOT_SCHEMA,
  ROOM_EVENT_SCHEMA,
  ROOM_POST_SCHEMA,
  ROOM_SUMMARY_SCHEMA,
  STORED_MESSAGE_SCHEMA,
  TYPING_POST_SCHEMA,
} from './chat-schemas';
export { RoomPresence, type PresenceSnapshot } from './presence/room-presence';
export { RoomTyping, TYPING_THROTTLE_MS, TYPING_TIMEOUT_MS } from './presence/room-typing';
export { roomEventsDestination } from './presence/room-events';
