import type { JsonSchema } from '@app/stomp';
import { MAX_FROM, MAX_TEXT, ROOM_PATTERN } from './post-message.dto';
import { MAX_TITLE } from './rooms/room-input';

/**
 * The chat's message shapes as JSON Schemas, for its two generated documents: the AsyncAPI one (STOMP,
 * through @AsyncApiOperation) and the OpenAPI one (REST). Built from the validation constants, so the
 * documents cannot drift from what the server accepts.
 */
const ROOM = { type: 'string', pattern: ROOM_PATTERN.source, description: 'A room name: 1 to 64 letters, digits, "_" or "-".' };
const TEXT = { type: 'string', minLength: 1, maxLength: MAX_TEXT, description: `1 to ${MAX_TEXT} characters after trimming white space.` };
const FROM = { type: 'string', minLength: 1, maxLength: MAX_FROM, description: `1 to ${MAX_FROM} characters; ignored (the token's \`sub\` is used) when the sender is signed in.` };
const TIME = { type: 'string', pattern: '^\\d{2}:\\d{2}$', description: '`HH:mm` in the server\'s local time.' };

export const STORED_MESSAGE_SCHEMA: JsonSchema = {
  title: 'StoredMessage',
  type: 'object',
  required: ['id', 'room', 'from', 'text', 'sentAt', 'time'],
  properties: {
    id: { type: 'integer', minimum: 1, description: 'One sequence across all rooms; the same message has the same id on every door.' },
    room: ROOM,
    from: { type: 'string', description: 'The sender: the token\'s `sub` when signed in, else the name the client gave.' },
    text: { type: 'string' },
    sentAt: { type: 'string', format: 'date-time' },
    time: TIME,
    editedAt: { type: 'string', format: 'date-time', description: 'When its author last edited it (#13).' },
    deleted: { type: 'boolean', enum: [true], description: 'A tombstone: the message was deleted and `text` is "" (#13).' },
  },
};

export const ROOM_POST_SCHEMA: JsonSchema = {
  title: 'RoomPost',
  type: 'object',
  required: ['text'],
  properties: { text: TEXT, from: FROM },
};

/** `/app/chat` and the plain WebSocket: the seed's `{from, text}`. */
export const CHAT_POST_SCHEMA: JsonSchema = {
  title: 'ChatPost',
  type: 'object',
  required: ['from', 'text'],
  properties: { from: FROM, text: TEXT },
};

/** What `/topic/messages` carries: the seed's shape. */
export const CHAT_FEED_MESSAGE_SCHEMA: JsonSchema = {
  title: 'ChatFeedMessage',
  type: 'object',
  required: ['from', 'text', 'time'],
  properties: { from: { type: 'string' }, text: { type: 'string' }, time: TIME },
};

export const DIRECT_MESSAGE_POST_SCHEMA: JsonSchema = {
  title: 'DirectMessagePost',
  type: 'object',
  required: ['text'],
  properties: { text: TEXT, from: FROM },
};

export const DIRECT_MESSAGE_SCHEMA: JsonSchema = {
  title: 'DirectMessage',
  type: 'object',
  required: ['from', 'to', 'text', 'sentAt', 'time'],
  properties: {
    from: { type: 'string' },
    to: { type: 'string' },
    text: { type: 'string' },
    sentAt: { type: 'string', format: 'date-time' },
    time: TIME,
  },
};

export const HISTORY_SCHEMA: JsonSchema = {
  title: 'History',
  type: 'array',
  items: STORED_MESSAGE_SCHEMA,
  description: 'The room\'s latest messages, oldest first.',
};

const USER = { type: 'string', minLength: 1, maxLength: MAX_FROM, description: 'A user name (a token\'s `sub`).' };
const MESSAGE_ID = { type: 'integer', minimum: 1, description: 'A message id of the room.' };
const VISIBILITY = { type: 'string', enum: ['public', 'private'] };

/** A room object (#13); GET /api/rooms lists them. */
export const ROOM_SCHEMA: JsonSchema = {
  title: 'Room',
  type: 'object',
  required: ['room', 'title', 'visibility', 'createdBy', 'createdAt', 'messages', 'lastMessageAt'],
  properties: {
    room: ROOM,
    title: { type: 'string', minLength: 1, maxLength: MAX_TITLE },
    visibility: VISIBILITY,
    createdBy: { type: 'string' },
    createdAt: { type: 'string', format: 'date-time' },
    messages: { type: 'integer', minimum: 0 },
    lastMessageAt: { type: ['string', 'null'], format: 'date-time' },
    unread: { type: 'integer', minimum: 0, description: 'For a signed-in caller: messages after their read marker not sent by them.' },
  },
};

const AT = { type: 'string', format: 'date-time' };

export const PRESENCE_SNAPSHOT_SCHEMA: JsonSchema = {
  title: 'PresenceSnapshot',
  type: 'object',
  required: ['type', 'room', 'users'],
  properties: {
    type: { type: 'string', enum: ['presence'] },
    room: ROOM,
    users: {
      type: 'array',
      description: 'Users (not sessions) following the room now, on every node and door.',
      items: { type: 'object', required: ['user', 'since'], properties: { user: { type: 'string' }, since: AT } },
    },
  },
};

/** `/app/rooms/{room}/typing`: an empty body means `{"typing": true}`. */
export const TYPING_POST_SCHEMA: JsonSchema = {
  title: 'TypingPost',
  type: 'object',
  properties: { typing: { type: 'boolean', default: true } },
};

export const ROOM_CREATE_SCHEMA: JsonSchema = {
  title: 'RoomCreate',
  type: 'object',
  required: ['room'],
  properties: {
    room: ROOM,
    title: { type: 'string', minLength: 1, maxLength: MAX_TITLE, description: `1 to ${MAX_TITLE} characters; the room's name when left out.` },
    visibility: { ...VISIBILITY, default: 'public' },
  },
};

export const MEMBER_SCHEMA: JsonSchema = {
  title: 'Member',
  type: 'object',
  required: ['user', 'role', 'since'],
  properties: { user: USER, role: { type: 'string', enum: ['owner', 'member'] }, since: AT },
};

export const READ_MARKER_SCHEMA: JsonSchema = {
  title: 'ReadMarker',
  type: 'object',
  required: ['user', 'lastReadId', 'at'],
  properties: { user: USER, lastReadId: MESSAGE_ID, at: AT },
};

export const READ_MARKER_PUT_SCHEMA: JsonSchema = {
  title: 'ReadMarkerPut',
  type: 'object',
  required: ['lastReadId'],
  properties: { lastReadId: MESSAGE_ID },
};

export const MESSAGE_EDIT_SCHEMA: JsonSchema = {
  title: 'MessageEdit',
  type: 'object',
  required: ['text'],
  properties: { text: TEXT },
};

/** SEND /app/rooms/{room}/edit. */
export const STOMP_EDIT_SCHEMA: JsonSchema = {
  title: 'StompEdit',
  type: 'object',
  required: ['id', 'text'],
  properties: { id: MESSAGE_ID, text: TEXT },
};

/** SEND /app/rooms/{room}/delete. */
export const STOMP_DELETE_SCHEMA: JsonSchema = {
  title: 'StompDelete',
  type: 'object',
  required: ['id'],
  properties: { id: MESSAGE_ID },
};

/** What `/topic/rooms/{room}/events` carries (and SSE as `event: <type>`): everything about a room that is not a message. */
export const ROOM_EVENT_SCHEMA: JsonSchema = {
  title: 'RoomEvent',
  oneOf: [
    {
      type: 'object',
      description: 'A user\'s first connection entered the room, or their last one left it.',
      required: ['type', 'room', 'user', 'at'],
      properties: { type: { type: 'string', enum: ['join', 'leave'] }, room: ROOM, user: { type: 'string' }, at: AT },
    },
    {
      type: 'object',
      description: 'A user started or stopped typing (at most one a second per user and room; it stops by itself 5 s after the last).',
      required: ['type', 'room', 'user', 'typing', 'at'],
      properties: { type: { type: 'string', enum: ['typing'] }, room: ROOM, user: { type: 'string' }, typing: { type: 'boolean' }, at: AT },
    },
    {
      type: 'object',
      description: 'A user\'s read marker moved forward.',
      required: ['type', 'room', 'user', 'lastReadId'],
      properties: { type: { type: 'string', enum: ['read'] }, room: ROOM, user: USER, lastReadId: MESSAGE_ID },
    },
    {
      type: 'object',
      description: 'A message was edited: the stored message as it is now.',
      required: ['type', 'message'],
      properties: { type: { type: 'string', enum: ['edit'] }, message: STORED_MESSAGE_SCHEMA },
    },
    {
      type: 'object',
      description: 'A message was deleted: it is a tombstone from now on.',
      required: ['type', 'room', 'id', 'deletedBy', 'at'],
      properties: { type: { type: 'string', enum: ['delete'] }, room: ROOM, id: MESSAGE_ID, deletedBy: USER, at: AT },
    },
  ],
};

/** Every refusal of an HTTP door, and of the plain WebSocket. */
export const ERROR_BODY_SCHEMA: JsonSchema = {
  title: 'ErrorBody',
  type: 'object',
  required: ['error', 'message'],
  properties: {
    error: { type: 'string', description: 'A stable code: `invalid-room`, `invalid-text`, `bad-json`, `unauthorized`, `rate-limited`, ...' },
    message: { type: 'string', description: 'One sentence for people.' },
  },
};
