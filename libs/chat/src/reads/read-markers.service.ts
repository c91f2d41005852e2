import { Inject, Injectable } from '@nestjs/common';
import { ChatError } from '../chat-error';
import { RoomEvents } from '../events/room-events';
import { validateRoom } from '../post-message.dto';
import { MESSAGE_REVISIONS, type MessageRevisionRepository } from '../revisions/message-revision.port';
import { RoomAccess } from '../rooms/room-access';
import { parseMessageId } from '../rooms/room-input';
import type { Caller, ReadMarkerRecord } from '../rooms/room-records';
import { ROOM_REPOSITORY, type RoomRepository } from '../rooms/room-repository.port';
import { signedIn } from '../rooms/rooms.service';

/**
 * Read markers (CONTRACT "Room events"): per user and room, stored, only ever moving forward. A marker
 * that would move back changes nothing and tells nobody (two tabs of one user mark in any order); the
 * answer is the marker as it stands. A marker names a message of the room.
 */
@Injectable()
export class ReadMarkers {
  constructor(
    @Inject(ROOM_REPOSITORY) private readonly repository: RoomRepository,
    @Inject(MESSAGE_REVISIONS) private readonly messages: MessageRevisionRepository,
    private readonly access: RoomAccess,
    private readonly events: RoomEvents,
  ) {}

  async mark(room: string, lastReadId: unknown, caller: Caller | undefined): Promise<ReadMarkerRecord> {
    const who = signedIn(caller);
    validateRoom(room);
    this.access.require(who, room, 'read');
    const id = parseMessageId(lastReadId, 'invalid-read-marker');
    if (!(await this.messages.find(room, id))) throw new ChatError('unknown-message');
    const { marker, moved } = await this.repository.advanceReadMarker(room, who.name, id, new Date());
    if (moved) this.events.publish(room, { type: 'read', room, user: who.name, lastReadId: marker.lastReadId });
    return marker;
  }

  /** The markers of the room's members (of everyone who marked, in a public room). */
  async list(room: string, caller: Caller | undefined): Promise<ReadMarkerRecord[]> {
    validateRoom(room);
    this.access.require(caller, room, 'read');
    const markers = await this.repository.readMarkers(room);
    if (!this.access.directory.isPrivate(room)) return markers;
    return markers.filter((m) => this.access.directory.roleIn(room, m.user) !== undefined);
  }
}
