import type { JsonSchema } from '@app/stomp';
import { MAX_FROM, MAX_TEXT, ROOM_PATTERN } from './post-message.dto';

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

export const ROOM_SUMMARY_SCHEMA: JsonSchema = {
  title: 'RoomSummary',
  type: 'object',
  required: ['room', 'messages', 'lastMessageAt'],
  properties: {
    room: ROOM,
    messages: { type: 'integer', minimum: 0 },
    lastMessageAt: { type: 'string', format: 'date-time' },
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

/** What `/topic/rooms/{room}/events` carries: everything about a room that is not a message. */
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
