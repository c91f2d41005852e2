import { applyDecorators } from '@nestjs/common';
import { ApiBearerAuth, ApiResponse, ApiSecurity, getSchemaPath } from '@nestjs/swagger';
import type { ReferenceObject, SchemaObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import {
  AUDIT_ENTRY_SCHEMA, BAN_CREATE_SCHEMA, BAN_SCHEMA, MUTE_CREATE_SCHEMA, MUTE_SCHEMA, ERROR_BODY_SCHEMA, MEMBER_SCHEMA, MESSAGE_EDIT_SCHEMA, PRESENCE_SNAPSHOT_SCHEMA, READ_MARKER_PUT_SCHEMA, READ_MARKER_SCHEMA,
  ROOM_CREATE_SCHEMA, ROOM_POST_SCHEMA, ROOM_SCHEMA, STORED_MESSAGE_SCHEMA,
} from '@app/chat';

/**
 * The named schemas the HTTP doors' OpenAPI operations refer to (the chat's shapes, one definition for
 * both generated documents). Whoever builds the OpenAPI document registers them under these names.
 */
export const OPENAPI_SCHEMAS = {
  StoredMessage: STORED_MESSAGE_SCHEMA as SchemaObject,
  Room: ROOM_SCHEMA as SchemaObject,
  RoomCreate: ROOM_CREATE_SCHEMA as SchemaObject,
  RoomPost: ROOM_POST_SCHEMA as SchemaObject,
  Member: MEMBER_SCHEMA as SchemaObject,
  ReadMarker: READ_MARKER_SCHEMA as SchemaObject,
  ReadMarkerPut: READ_MARKER_PUT_SCHEMA as SchemaObject,
  MessageEdit: MESSAGE_EDIT_SCHEMA as SchemaObject,
  ErrorBody: ERROR_BODY_SCHEMA as SchemaObject,
  PresenceSnapshot: PRESENCE_SNAPSHOT_SCHEMA as SchemaObject,
  MuteCreate: MUTE_CREATE_SCHEMA as SchemaObject,
  Mute: MUTE_SCHEMA as SchemaObject,
  BanCreate: BAN_CREATE_SCHEMA as SchemaObject,
  Ban: BAN_SCHEMA as SchemaObject,
  AuditEntry: AUDIT_ENTRY_SCHEMA as SchemaObject,
};

/** The two ways an HTTP door takes a token (security scheme names of the OpenAPI document). */
export const BEARER_SCHEME = 'bearer';
export const ACCESS_TOKEN_SCHEME = 'access_token';

export const schemaRef = (name: keyof typeof OPENAPI_SCHEMAS): ReferenceObject => ({ $ref: getSchemaPath(name) });
export const arrayOf = (name: keyof typeof OPENAPI_SCHEMAS): SchemaObject => ({ type: 'array', items: schemaRef(name) });

const WHY: Record<number, string> = {
  400: 'Invalid input (`invalid-room`, `invalid-text`, `invalid-from`, `invalid-query`, `bad-json`, ...).',
  401: 'A token is required (an identity provider is configured) and none, or a bad one, was sent: `unauthorized`.',
  403: 'A browser request from an origin that is not admitted (`forbidden-origin`), or what the caller may not do in the room (`forbidden`, `not-author`, `edit-window-passed`, `muted`, `banned`).',
  404: 'No such room, or a private room the caller is not in (`not-found`: the same answer, so nothing leaks); `unknown-message`.',
  409: 'The room exists already (`room-exists`), or the message is deleted (`message-deleted`).',
  413: 'The body is larger than MAX_FRAME_BYTES: `body-too-large`.',
  415: 'The body is not `application/json`: `unsupported-media-type`.',
  429: 'Too many messages from this address (RATE_LIMIT_PER_SEC): `rate-limited`, with `Retry-After`.',
  503: 'The store cannot take the message now (`store-busy`, `store-failed`) or the server is stopping (`shutting-down`).',
};

/** `{error, message}` answers with these statuses. */
export const ApiErrors = (...statuses: (keyof typeof WHY)[]): MethodDecorator & ClassDecorator =>
  applyDecorators(...statuses.map((status) => ApiResponse({ status, description: WHY[status], schema: schemaRef('ErrorBody') })));

/** What every HTTP door documents: the token it takes and the refusals common to all of them. */
export const ApiHttpDoor = (): ClassDecorator =>
  applyDecorators(ApiBearerAuth(BEARER_SCHEME), ApiSecurity(ACCESS_TOKEN_SCHEME), ApiErrors(401, 403));
