import { createMessage, type BrokerMessage } from '@app/messaging';
import type { StoredMessage } from './chat-repository.port';

/** Header carrying the stored id on every published chat message, so followers order without parsing. */
export const CHAT_ID_HEADER = 'chat-id';
/**
 * Header carrying the message's number in its room between nodes (#12): each node's room feed orders
 * and gap-checks by it, and takes it off before any client sees the message (clients know ids only).
 */
export const CHAT_SEQ_HEADER = 'chat-seq';
/** The messages feed (the seed's one room): SEND /app/chat is stored in this room and published, as `{from,text,time}`, to MESSAGES_FEED_DESTINATION. */
export const MESSAGES_FEED_ROOM = 'messages';
export const MESSAGES_FEED_DESTINATION = '/topic/messages';

/** The stored message as every transport shows it (STOMP, SSE, REST, long polling, plain WebSocket). */
export interface StoredMessageJson {
  id: number;
  room: string;
  from: string;
  text: string;
  sentAt: string;
  time: string;
  /** After an edit: when (#13). */
  editedAt?: string;
  /** A tombstone: the message was deleted, `text` is "" (#13). */
  deleted?: true;
}

export function roomDestination(room: string): string {
  return `/topic/rooms/${room}`;
}

/** `HH:mm` in the server's local time zone. */
export function formatTime(date: Date): string {
  return `${String(date.getHours()).padStart(2, '0')}:${String(date.getMinutes()).padStart(2, '0')}`;
}

/**
 * The message in its current state: an edited one with its new text and `editedAt`, a deleted one as a
 * tombstone `{id, room, from, sentAt, time, deleted: true, text: ""}`, so ids stay continuous for clients.
 */
export function renderStoredMessage(message: StoredMessage): StoredMessageJson {
  const base = { id: message.id, room: message.room, from: message.from };
  const times = { sentAt: message.sentAt.toISOString(), time: formatTime(message.sentAt) };
  if (message.deletedAt) return { ...base, ...times, deleted: true, text: '' };
  return {
    ...base,
    text: message.text,
    ...times,
    ...(message.editedAt && { editedAt: message.editedAt.toISOString() }),
  };
}

function headers(message: StoredMessage): Array<[string, string]> {
  return [
    ['content-type', 'application/json'],
    [CHAT_ID_HEADER, String(message.id)],
  ];
}

/** A stored message as room followers get it; its body is encoded here, once. */
export function roomMessage(message: StoredMessage): BrokerMessage {
  return createMessage(roomDestination(message.room), JSON.stringify(renderStoredMessage(message)), headers(message));
}

/** What the chat service publishes to `/topic/rooms/{room}`: roomMessage plus its seq, for the room feeds. */
export function publishedRoomMessage(message: StoredMessage): BrokerMessage {
  return createMessage(roomDestination(message.room), JSON.stringify(renderStoredMessage(message)), [
    ...headers(message),
    [CHAT_SEQ_HEADER, String(message.seq)],
  ]);
}

/** A published room message without its seq: what followers get (same body bytes, no new encoding). */
export function withoutSeq(message: BrokerMessage): BrokerMessage {
  if (!message.headers.has(CHAT_SEQ_HEADER)) return message;
  return createMessage(message.destination, message.body, [...message.headers].filter(([name]) => name !== CHAT_SEQ_HEADER));
}

/** The seed's `/topic/messages` shape: `{"from","text","time"}` (it carries `chat-id` too). */
export function messagesFeedMessage(message: StoredMessage): BrokerMessage {
  const body = { from: message.from, text: message.text, time: formatTime(message.sentAt) };
  return createMessage(MESSAGES_FEED_DESTINATION, JSON.stringify(body), headers(message));
}

/** The `chat-id` of a published chat message, or undefined for anything else. */
export function chatIdOf(message: BrokerMessage): number | undefined {
  const raw = message.headers.get(CHAT_ID_HEADER);
  if (raw === undefined || !/^\d+$/.test(raw)) return undefined;
  return Number(raw);
}

/** The `chat-seq` of a published room message, or undefined for anything else. */
export function chatSeqOf(message: BrokerMessage): number | undefined {
  const raw = message.headers.get(CHAT_SEQ_HEADER);
  if (raw === undefined || !/^\d{1,15}$/.test(raw)) return undefined;
  return Number(raw);
}
