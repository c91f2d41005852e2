import { Inject, Injectable, Logger } from '@nestjs/common';
import { BROKER, createMessage, type BrokerMessage, type BrokerPort } from '@app/messaging';
import { renderStoredMessage, type StoredMessageJson } from '../chat-message.render';
import type { StoredMessage } from '../chat-repository.port';

/** Header naming a room event's `type` on the broker, so SSE names the event without parsing the body. */
export const CHAT_EVENT_HEADER = 'chat-event';

/** Room events (CONTRACT "Room events"): on /topic/rooms/{room}/events, as SSE events of the same `type`. */
export type RoomEvent =
  | { type: 'join' | 'leave'; room: string; user: string; at: string }
  | { type: 'typing'; room: string; user: string; typing: boolean; at: string }
  | { type: 'read'; room: string; user: string; lastReadId: number }
  | { type: 'edit'; message: StoredMessageJson }
  | { type: 'delete'; room: string; id: number; deletedBy: string; at: string };

export function roomEventsDestination(room: string): string {
  return `/topic/rooms/${room}/events`;
}

/** The event's broker message: JSON body, encoded once, with its type in CHAT_EVENT_HEADER. */
export function roomEventMessage(room: string, event: RoomEvent): BrokerMessage {
  return createMessage(roomEventsDestination(room), JSON.stringify(event), [
    ['content-type', 'application/json'],
    [CHAT_EVENT_HEADER, event.type],
  ]);
}

/** The room event type of a broker message, or undefined when it is none (SSE then says `message`). */
export function roomEventTypeOf(message: BrokerMessage): string | undefined {
  const type = message.headers.get(CHAT_EVENT_HEADER);
  return type !== undefined && /^[a-z][a-z-]{0,31}$/.test(type) ? type : undefined;
}

/**
 * Publishes room events to every node and door that carries them: the one way onto
 * /topic/rooms/{room}/events, so every event carries its type for SSE. Not stored: what they tell (a read
 * marker, an edit, a tombstone) is stored by whoever publishes them, before; presence and typing are not
 * stored at all.
 */
@Injectable()
export class RoomEvents {
  private readonly logger = new Logger('RoomEvents');

  constructor(@Inject(BROKER) private readonly broker: BrokerPort) {}

  publish(room: string, event: RoomEvent): void {
    try {
      this.broker.publish(roomEventMessage(room, event));
    } catch (error) {
      this.logger.error(`publishing a ${event.type} event of room ${room} failed: ${String(error)}`);
    }
  }

  edited(message: StoredMessage): void {
    this.publish(message.room, { type: 'edit', message: renderStoredMessage(message) });
  }

  deleted(message: StoredMessage): void {
    this.publish(message.room, {
      type: 'delete',
      room: message.room,
      id: message.id,
      deletedBy: message.deletedBy ?? '',
      at: (message.deletedAt ?? new Date()).toISOString(),
    });
  }
}
