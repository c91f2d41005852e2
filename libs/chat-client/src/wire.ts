import type { ChatMessage, PresenceUser, RoomEvent } from './types';

// Everything off the wire is untrusted: only well-formed values pass, so a listener never sees garbage.
type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const isId = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
const str = (v: unknown): string => (typeof v === 'string' ? v : '');

export function toChatMessage(value: unknown): ChatMessage | undefined {
  if (!isObject(value) || !isId(value.id)) return undefined;
  if (typeof value.room !== 'string' || typeof value.from !== 'string' || typeof value.text !== 'string') return undefined;
  const message: ChatMessage = { id: value.id, room: value.room, from: value.from, text: value.text, sentAt: str(value.sentAt), time: str(value.time) };
  if (typeof value.editedAt === 'string') message.editedAt = value.editedAt;
  if (value.deleted === true) message.deleted = true;
  return message;
}

export function parseJson(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    return undefined;
  }
}

/** One message or an array of them; bad entries are dropped. */
export function toChatMessages(value: unknown): ChatMessage[] {
  const list = Array.isArray(value) ? value : [value];
  return list.map(toChatMessage).filter((m): m is ChatMessage => m !== undefined);
}

export const parseMessages = (body: string): ChatMessage[] => toChatMessages(parseJson(body));

function toUsers(value: unknown): PresenceUser[] | undefined {
  if (!Array.isArray(value)) return undefined;
  return value.filter(isObject).filter((u) => typeof u.user === 'string').map((u) => ({ user: u.user as string, since: str(u.since) }));
}

/**
 * A room event; undefined for a malformed one or a type this client does not know (a newer server's),
 * so that listeners get only the shapes they are typed for. `room` fills in for events that carry none.
 */
export function toRoomEvent(value: unknown, room?: string): RoomEvent | undefined {
  if (!isObject(value) || typeof value.type !== 'string') return undefined;
  // An edit names its room inside the message it carries.
  if (value.type === 'edit') {
    const message = toChatMessage(value.message);
    return message && { type: 'edit', room: message.room, message };
  }
  const inRoom = typeof value.room === 'string' ? value.room : room;
  if (inRoom === undefined) return undefined;
  switch (value.type) {
    case 'presence': {
      const users = toUsers(value.users);
      return users && { type: 'presence', room: inRoom, users };
    }
    case 'join':
    case 'leave':
      return typeof value.user === 'string' ? { type: value.type, room: inRoom, user: value.user, at: str(value.at) } : undefined;
    case 'typing':
      return typeof value.user === 'string' && typeof value.typing === 'boolean'
        ? { type: 'typing', room: inRoom, user: value.user, typing: value.typing, at: str(value.at) }
        : undefined;
    case 'read':
      return typeof value.user === 'string' && isId(value.lastReadId) ? { type: 'read', room: inRoom, user: value.user, lastReadId: value.lastReadId } : undefined;
    case 'delete':
      return isId(value.id) ? { type: 'delete', room: inRoom, id: value.id, deletedBy: str(value.deletedBy), at: str(value.at) } : undefined;
    case 'removed':
      return { type: 'removed', room: inRoom, error: str(value.error) || 'forbidden', message: str(value.message) || 'You may no longer read this room.' };
    default:
      return undefined;
  }
}
