import { ChatError } from '../chat-error';
import { NAME_FORBIDDEN, wellFormed } from '../user-name';
import { VISIBILITIES, type Visibility } from './room-records';

export const MAX_TITLE = 100;
export const MAX_USER = 64;

/** A JSON body that must be an object; anything else (null, an array, a string) is `bad-json`. */
export function objectBody(body: unknown): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new ChatError('bad-json');
  return body as Record<string, unknown>;
}

/** The title of a new room: the room's name when absent, else 1 to 100 characters after trimming. */
export function parseTitle(value: unknown, room: string): string {
  if (value === undefined || value === null) return room;
  if (typeof value !== 'string') throw new ChatError('invalid-title');
  const title = wellFormed(value.trim());
  const length = [...title].length;
  if (length < 1 || length > MAX_TITLE || NAME_FORBIDDEN.test(title)) throw new ChatError('invalid-title');
  return title;
}

export function parseVisibility(value: unknown): Visibility {
  if (value === undefined || value === null) return 'public';
  if (typeof value !== 'string' || !(VISIBILITIES as readonly string[]).includes(value)) throw new ChatError('invalid-visibility');
  return value as Visibility;
}

/**
 * A user name as it is stored in messages (`from` is stored trimmed and well-formed): 1 to 64 characters,
 * none forbidden in names, no white space around it.
 */
export function parseUser(value: unknown): string {
  if (typeof value !== 'string') throw new ChatError('invalid-user');
  const length = [...value].length;
  if (length < 1 || length > MAX_USER || value !== value.trim() || value !== wellFormed(value) || NAME_FORBIDDEN.test(value)) {
    throw new ChatError('invalid-user');
  }
  return value;
}

/** A message id: a JSON number or a path segment, a whole number of 1 or more. */
export function parseMessageId(value: unknown, code: 'invalid-message-id' | 'invalid-read-marker' = 'invalid-message-id'): number {
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 1) return value;
  if (typeof value === 'string' && /^\d{1,15}$/.test(value) && Number(value) >= 1) return Number(value);
  throw new ChatError(code);
}
