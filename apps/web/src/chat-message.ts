/** A stored chat message as every transport delivers it (docs/destinations.md, "Message shapes"). */
export interface ChatMessage {
  id: number;
  room: string;
  from: string;
  text: string;
  sentAt: string;
  time: string;
}

export const ROOM_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
export const MAX_TEXT = 4000;
export const MAX_NAME = 64;

/** Anything off the wire is untrusted: keep only well-formed messages rather than render garbage. */
export function toChatMessage(value: unknown): ChatMessage | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const v = value as Record<string, unknown>;
  if (typeof v.id !== 'number' || !Number.isSafeInteger(v.id)) return undefined;
  if (typeof v.room !== 'string' || typeof v.from !== 'string' || typeof v.text !== 'string') return undefined;
  return {
    id: v.id,
    room: v.room,
    from: v.from,
    text: v.text,
    sentAt: typeof v.sentAt === 'string' ? v.sentAt : '',
    time: typeof v.time === 'string' ? v.time : '',
  };
}

/** Parses a JSON body holding one message or an array of them; bad entries are dropped. */
export function parseMessages(body: string): ChatMessage[] {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    return [];
  }
  const list = Array.isArray(value) ? value : [value];
  return list.map(toChatMessage).filter((m): m is ChatMessage => m !== undefined);
}

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
