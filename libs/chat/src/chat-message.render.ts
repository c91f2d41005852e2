import { createMessage, type BrokerMessage } from '@app/messaging';
import type { StoredMessage } from './chat-repository.port';

/** Header carrying the stored id on every published chat message, so followers order without parsing. */
export const CHAT_ID_HEADER = 'chat-id';
/** The seed's flow: SEND /app/chat is stored in this room and also published to LEGACY_CHAT_DESTINATION. */
export const LEGACY_CHAT_ROOM = 'messages';
export const LEGACY_CHAT_DESTINATION = '/topic/messages';

/** The stored message as every transport shows it (STOMP, SSE, REST, long polling, plain WebSocket). */
export interface StoredMessageJson {
  id: number;
  room: string;
  from: string;
  text: string;
  sentAt: string;
  time: string;
}

export function roomDestination(room: string): string {
  return `/topic/rooms/${room}`;
}

/** `HH:mm` in the server's local time zone. */
export function formatTime(date: Date): string {
  return `${String(date.getHours()).padStart(2, '0')}:${String(date.getMinutes()).padStart(2, '0')}`;
}

export function renderStoredMessage(message: StoredMessage): StoredMessageJson {
  return {
    id: message.id,
    room: message.room,
    from: message.from,
    text: message.text,
    sentAt: message.sentAt.toISOString(),
    time: formatTime(message.sentAt),
  };
}

function headers(message: StoredMessage): Array<[string, string]> {
  return [
    ['content-type', 'application/json'],
    [CHAT_ID_HEADER, String(message.id)],
  ];
}

/** The message published to `/topic/rooms/{room}`; its body is encoded here, once. */
export function roomMessage(message: StoredMessage): BrokerMessage {
  return createMessage(roomDestination(message.room), JSON.stringify(renderStoredMessage(message)), headers(message));
}

/** The seed's `/topic/messages` shape: `{"from","text","time"}` (it carries `chat-id` too). */
export function legacyChatMessage(message: StoredMessage): BrokerMessage {
  const body = { from: message.from, text: message.text, time: formatTime(message.sentAt) };
  return createMessage(LEGACY_CHAT_DESTINATION, JSON.stringify(body), headers(message));
}

/** The `chat-id` of a published chat message, or undefined for anything else. */
export function chatIdOf(message: BrokerMessage): number | undefined {
  const raw = message.headers.get(CHAT_ID_HEADER);
  if (raw === undefined || !/^\d+$/.test(raw)) return undefined;
  return Number(raw);
}
