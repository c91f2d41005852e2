export type { ChatRepository, NewMessage, AppendResult, RoomSummary, StoredMessage } from './chat-repository.port';
export { CHAT_REPOSITORY } from './chat-repository.port';
export type { ChatApi, PostInput, HistoryQuery, RoomFollow, FollowOptions } from './chat-api.port';
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
export { MessageWriter, type MessageWriterOptions, type MessageWriterStats, type CommittedWrite, type StoredBatch } from './message.writer';
export { ReplayingSubscriber, type ReplaySource, type ReplayingSubscriberOptions } from './replaying.subscriber';
export { RoomFeeds, type RoomHistory, type FeedConsumer, type FeedHandle, type RoomFeedOptions, type RoomFeedStats } from './room-feed';
export { ChatService, DEFAULT_HISTORY_LIMIT, MAX_HISTORY_LIMIT, type ChatInput } from './chat.service';
export { CHAT_OPTIONS, type ChatOptions } from './chat-options';
export {
  isStaff, MODERATOR_ROLE, ADMIN_ROLE, VISIBILITIES,
  type Caller, type Visibility, type MemberRole, type RoomRecord, type RoomListing, type MemberRecord, type ReadMarkerRecord,
  type PrivateRoomPolicy,
} from './rooms/room-records';
export { ROOM_REPOSITORY, type RoomRepository } from './rooms/room-repository.port';
export { MESSAGE_REVISIONS, type MessageRevisionRepository } from './revisions/message-revision.port';
export { RoomDirectory } from './rooms/room-directory';
export { RoomAccess, followRefusal, type RoomAccessRule, type RoomAction } from './rooms/room-access';
export { RoomWatchers } from './rooms/room-watchers';
export { ChatControlBus, CHAT_CONTROL_DESTINATION, type ControlMessage } from './rooms/chat-control.bus';
export { RoomPolicySync } from './rooms/room-policy.sync';
export { RoomsService, signedIn } from './rooms/rooms.service';
export { objectBody, parseTitle, parseUser, parseVisibility, parseMessageId, MAX_TITLE } from './rooms/room-input';
export { renderRoom, renderMember, renderReadMarker, type RoomJson } from './rooms/room.render';
export {
  RoomEvents, roomEventsDestination, roomEventMessage, roomEventTypeOf, CHAT_EVENT_HEADER, type RoomEvent,
} from './events/room-events';
export { ReadMarkers } from './reads/read-markers.service';
export { MessageRevisions, DEFAULT_EDIT_WINDOW_SEC } from './revisions/message-revisions.service';
export type { BanRecord, MuteRecord, RestrictionRecords, AuditAction, NewAuditEntry, AuditEntry } from './moderation/moderation-records';
export { AUDIT_ACTIONS } from './moderation/moderation-records';
export { MODERATION_REPOSITORY, type ModerationRepository } from './moderation/moderation-repository.port';
export { RoomRestrictions } from './moderation/room-restrictions';
export { AuditTrail } from './moderation/audit-trail';
export { Moderation } from './moderation/moderation.service';
export { MAX_MUTE_SECONDS, MAX_REASON, MAX_AUDIT_LIMIT, DEFAULT_AUDIT_LIMIT } from './moderation/moderation-input';
export { renderMute, renderBan, renderAuditEntry } from './moderation/moderation.render';
export { MUTE_CREATE_SCHEMA, MUTE_SCHEMA, BAN_CREATE_SCHEMA, BAN_SCHEMA, AUDIT_ENTRY_SCHEMA } from './moderation/moderation-schemas';
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
  ROOM_SCHEMA,
  ROOM_CREATE_SCHEMA,
  MEMBER_SCHEMA,
  READ_MARKER_SCHEMA,
  READ_MARKER_PUT_SCHEMA,
  MESSAGE_EDIT_SCHEMA,
  STOMP_EDIT_SCHEMA,
  STOMP_DELETE_SCHEMA,
  STORED_MESSAGE_SCHEMA,
  TYPING_POST_SCHEMA,
} from './chat-schemas';
export { RoomPresence, type PresenceSnapshot } from './presence/room-presence';
export { RoomTyping, TYPING_THROTTLE_MS, TYPING_TIMEOUT_MS } from './presence/room-typing';
export { RoomAccessInterceptor } from './stomp/room-access.interceptor';
export { RoomActionsController } from './stomp/room-actions.controller';
export type { RoomRate } from './room-rates';
