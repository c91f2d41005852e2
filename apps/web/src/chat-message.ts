// Messages reach the page through the client library, which checks what arrives off the wire.
export type { ChatMessage } from '../../../libs/chat-client/src';

export const ROOM_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
export const MAX_TEXT = 4000;
export const MAX_NAME = 64;

/** Checks what the server would refuse, so the user hears about it before a round trip. */
export function validateOutgoing(name: string, text: string): string | undefined {
  const trimmed = text.trim();
  if (name.trim().length === 0) return 'Choose a name before sending.';
  if (name.length > MAX_NAME) return `Names are at most ${MAX_NAME} characters.`;
  if (trimmed.length === 0) return 'Type a message first.';
  if (trimmed.length > MAX_TEXT) return `Messages are at most ${MAX_TEXT} characters.`;
  return undefined;
}

export function validateRoom(room: string): string | undefined {
  return ROOM_PATTERN.test(room) ? undefined : 'Room names use letters, digits, "-" and "_" (1 to 64).';
}
