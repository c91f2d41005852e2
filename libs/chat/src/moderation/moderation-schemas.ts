import type { JsonSchema } from '@app/stomp';
import { MAX_FROM, ROOM_PATTERN } from '../post-message.dto';
import { AUDIT_ACTIONS } from './moderation-records';
import { MAX_MUTE_SECONDS, MAX_REASON } from './moderation-input';

/** The moderation paths' shapes for the OpenAPI document, built from the validation constants. */
const ROOM = { type: 'string', pattern: ROOM_PATTERN.source };
const USER = { type: 'string', minLength: 1, maxLength: MAX_FROM, description: 'A user name (a token\'s `sub`).' };
const AT = { type: 'string', format: 'date-time' };
const REASON = { type: 'string', maxLength: MAX_REASON };

export const MUTE_CREATE_SCHEMA: JsonSchema = {
  title: 'MuteCreate',
  type: 'object',
  required: ['user', 'seconds'],
  properties: { user: USER, seconds: { type: 'integer', minimum: 1, maximum: MAX_MUTE_SECONDS, description: 'How long: 1 s to 30 days.' } },
};

export const MUTE_SCHEMA: JsonSchema = {
  title: 'Mute',
  type: 'object',
  required: ['room', 'user', 'until', 'by', 'at'],
  properties: { room: ROOM, user: USER, until: AT, by: USER, at: AT },
};

export const BAN_CREATE_SCHEMA: JsonSchema = {
  title: 'BanCreate',
  type: 'object',
  required: ['user'],
  properties: { user: USER, reason: { ...REASON, description: `Up to ${MAX_REASON} characters; kept in the audit trail.` } },
};

export const BAN_SCHEMA: JsonSchema = {
  title: 'Ban',
  type: 'object',
  required: ['room', 'user', 'by', 'at'],
  properties: { room: ROOM, user: USER, by: USER, at: AT, reason: REASON },
};

export const AUDIT_ENTRY_SCHEMA: JsonSchema = {
  title: 'AuditEntry',
  type: 'object',
  required: ['id', 'at', 'actor', 'action', 'room', 'user'],
  properties: {
    id: { type: 'integer', minimum: 1 },
    at: AT,
    actor: { ...USER, description: 'Who did it.' },
    action: { type: 'string', enum: [...AUDIT_ACTIONS] },
    room: { type: ['string', 'null'], description: 'null for a disconnect, which is about the user everywhere.' },
    user: { type: ['string', 'null'], description: 'Whom it was done to (for `delete`, the message\'s author).' },
    messageId: { type: 'integer', minimum: 1, description: 'For `delete`.' },
    detail: { type: 'string', description: 'A ban\'s reason; a mute\'s length and end.' },
  },
};
