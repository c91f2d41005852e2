import { ChatError, validateRoom } from '@app/chat';

/**
 * What a Socket.IO client's emits must look like (docs/socketio.md). A client can send any JSON (or
 * binary placeholders) as any argument, so each payload is checked here before the chat sees it, with the
 * chat's own error codes: a payload that is not a plain object is `bad-json`, a bad room `invalid-room`.
 */
export interface JoinRequest {
  room: string;
  sinceId?: number;
}

export interface PostRequest {
  room: string;
  text: unknown;
  /** Honoured only for anonymous clients without a login (the chat ignores it for a principal). */
  from?: unknown;
  clientMessageId?: string;
}

export interface TypingRequest {
  room: string;
  typing: boolean;
}

export interface ReadRequest {
  room: string;
  /** Checked by the chat's ReadMarkers, as on every door (`invalid-read-marker`, `unknown-message`). */
  lastReadId: unknown;
}

type Fields = Record<string, unknown>;

/** Own enumerable fields only: `{"__proto__": ...}` from JSON.parse is an own field and is read as one. */
function fields(payload: unknown): Fields {
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload) || Buffer.isBuffer(payload)) {
    throw new ChatError('bad-json', 'The payload must be a JSON object.');
  }
  return payload as Fields;
}

function own(object: Fields, key: string): unknown {
  return Object.prototype.hasOwnProperty.call(object, key) ? object[key] : undefined;
}

function messageId(value: unknown): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) throw new ChatError('invalid-query');
  return value;
}

export function joinRequest(payload: unknown): JoinRequest {
  const body = fields(payload);
  const room = validateRoom(own(body, 'room'));
  const since = own(body, 'sinceId');
  return since === undefined || since === null ? { room } : { room, sinceId: messageId(since) };
}

export function leaveRequest(payload: unknown): { room: string } {
  return { room: validateRoom(own(fields(payload), 'room')) };
}

export function postRequest(payload: unknown): PostRequest {
  const body = fields(payload);
  const room = validateRoom(own(body, 'room'));
  const clientMessageId = own(body, 'clientMessageId');
  if (clientMessageId !== undefined && clientMessageId !== null && typeof clientMessageId !== 'string') {
    throw new ChatError('invalid-client-message-id');
  }
  return {
    room,
    text: own(body, 'text'),
    from: own(body, 'from'),
    ...(typeof clientMessageId === 'string' && { clientMessageId }),
  };
}

export function typingRequest(payload: unknown): TypingRequest {
  const body = fields(payload);
  const room = validateRoom(own(body, 'room'));
  const typing = own(body, 'typing') ?? true;
  if (typeof typing !== 'boolean') throw new ChatError('bad-json', 'typing must be true or false.');
  return { room, typing };
}

export function readRequest(payload: unknown): ReadRequest {
  const body = fields(payload);
  return { room: validateRoom(own(body, 'room')), lastReadId: own(body, 'lastReadId') };
}
