import { Injectable } from '@nestjs/common';
import { AsyncApiOperation, AsyncApiPublishes } from '@app/stomp';
import { DestinationVariable, MessageMapping, Payload, Session } from '@app/message-routing';
import type { SessionContext } from '@app/stomp-session';
import { ReadMarkers } from '../reads/read-markers.service';
import { MessageRevisions } from '../revisions/message-revisions.service';
import { objectBody } from '../rooms/room-input';
import { READ_MARKER_PUT_SCHEMA, ROOM_EVENT_SCHEMA, STOMP_DELETE_SCHEMA, STOMP_EDIT_SCHEMA } from '../chat-schemas';

/**
 * What a member does to a room besides posting (CONTRACT "Room events"): read markers, edits, deletions.
 * Each is stored before its RECEIPT; the room event goes to /topic/rooms/{room}/events; a refusal goes to
 * /user/queue/errors with its stable code and changes nothing.
 */
@Injectable()
export class RoomActionsController {
  constructor(
    private readonly reads: ReadMarkers,
    private readonly revisions: MessageRevisions,
  ) {}

  /** `{"lastReadId": N}`: the sender's marker moves forward (never back). */
  @MessageMapping('/rooms/{room}/read')
  @AsyncApiOperation({
    summary: 'Move the sender\'s read marker of the room forward.',
    description: 'Stored; only ever forward (a lower id changes nothing). Refusals on /user/queue/errors: `invalid-read-marker`, `unknown-message`, `forbidden`.',
    payload: READ_MARKER_PUT_SCHEMA,
  })
  @AsyncApiPublishes('/topic/rooms/{room}/events', {
    summary: 'The room\'s events: `read`, `edit`, `delete` (also as SSE events of the same name).',
    payload: ROOM_EVENT_SCHEMA,
  })
  async read(@DestinationVariable('room') room: string, @Payload() body: unknown, @Session() ctx: SessionContext): Promise<void> {
    await this.reads.mark(room, objectBody(body).lastReadId, ctx.principal);
  }

  /** `{"id": N, "text": "..."}`: the author's edit, within EDIT_WINDOW_SEC. */
  @MessageMapping('/rooms/{room}/edit')
  @AsyncApiOperation({
    summary: 'Edit a message: its author, within EDIT_WINDOW_SEC.',
    description: 'Refusals: `not-author`, `edit-window-passed`, `unknown-message`, `message-deleted`, `invalid-text`, `invalid-message-id`.',
    payload: STOMP_EDIT_SCHEMA,
  })
  async edit(@DestinationVariable('room') room: string, @Payload() body: unknown, @Session() ctx: SessionContext): Promise<void> {
    const fields = objectBody(body);
    await this.revisions.edit(room, fields.id, fields.text, ctx.principal);
  }

  /** `{"id": N}`: by the author, a moderator or an admin; the message becomes a tombstone. */
  @MessageMapping('/rooms/{room}/delete')
  @AsyncApiOperation({
    summary: 'Delete a message: its author, a moderator or an admin; it becomes a tombstone.',
    description: 'Refusals: `forbidden`, `unknown-message`, `invalid-message-id`.',
    payload: STOMP_DELETE_SCHEMA,
  })
  async delete(@DestinationVariable('room') room: string, @Payload() body: unknown, @Session() ctx: SessionContext): Promise<void> {
    await this.revisions.delete(room, objectBody(body).id, ctx.principal);
  }
}
