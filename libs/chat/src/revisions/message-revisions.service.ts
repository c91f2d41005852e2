import { Inject, Injectable, Optional } from '@nestjs/common';
import { ChatError } from '../chat-error';
import type { StoredMessage } from '../chat-repository.port';
import { CHAT_OPTIONS, type ChatOptions } from '../chat-options';
import { RoomEvents } from '../events/room-events';
import { AuditTrail } from '../moderation/audit-trail';
import { validatePost, validateRoom } from '../post-message.dto';
import { RoomAccess } from '../rooms/room-access';
import { parseMessageId } from '../rooms/room-input';
import { isStaff, type Caller } from '../rooms/room-records';
import { signedIn } from '../rooms/rooms.service';
import { MESSAGE_REVISIONS, type MessageRevisionRepository } from './message-revision.port';

export const DEFAULT_EDIT_WINDOW_SEC = 900;

/**
 * Edits and deletions (CONTRACT "Room events"). The author edits within EDIT_WINDOW_SEC (0: never); the
 * author, a moderator or an admin deletes, at any time (someone else's message deleted goes into the audit
 * trail). Both are stored before the room event goes out, so history, every replay and REST show the
 * message as it is now; a deletion leaves a tombstone, so ids stay continuous. Deleting a tombstone again
 * changes nothing and announces nothing.
 */
@Injectable()
export class MessageRevisions {
  private readonly windowMs: number;

  constructor(
    @Inject(MESSAGE_REVISIONS) private readonly repository: MessageRevisionRepository,
    private readonly access: RoomAccess,
    private readonly events: RoomEvents,
    private readonly audit: AuditTrail,
    @Optional() @Inject(CHAT_OPTIONS) options: ChatOptions | null = null,
  ) {
    this.windowMs = (options?.editWindowSec ?? DEFAULT_EDIT_WINDOW_SEC) * 1000;
  }

  async edit(room: string, id: unknown, text: unknown, caller: Caller | undefined): Promise<StoredMessage> {
    const who = signedIn(caller);
    validateRoom(room);
    this.access.require(who, room, 'post');
    const messageId = parseMessageId(id);
    const { text: newText } = validatePost({ room, from: who.name, text });
    const message = await this.existing(room, messageId);
    if (message.deletedAt) throw new ChatError('message-deleted');
    if (message.from !== who.name) throw new ChatError('not-author');
    if (this.windowMs === 0 || Date.now() - message.sentAt.getTime() > this.windowMs) throw new ChatError('edit-window-passed');
    const edited = await this.repository.edit(room, messageId, newText, new Date());
    if (!edited || edited.deletedAt) throw new ChatError('message-deleted');
    this.events.edited(edited);
    return edited;
  }

  async delete(room: string, id: unknown, caller: Caller | undefined): Promise<StoredMessage> {
    const who = signedIn(caller);
    validateRoom(room);
    const staff = isStaff(who);
    // Moderators act on any room's messages; everyone else must be able to see the room.
    if (!staff) this.access.require(who, room, 'read');
    const messageId = parseMessageId(id);
    const message = await this.existing(room, messageId);
    if (message.from !== who.name && !staff) {
      throw new ChatError('forbidden', 'Only the author, a moderator or an admin may delete this message.');
    }
    const result = await this.repository.delete(room, messageId, who.name, new Date());
    if (!result) throw new ChatError('unknown-message');
    if (!result.changed) return result.message;
    this.events.deleted(result.message);
    // Someone else's message deleted is moderation; one's own is not.
    if (message.from !== who.name) {
      await this.audit.record({ at: new Date(), actor: who.name, action: 'delete', room, user: message.from, messageId });
    }
    return result.message;
  }

  private async existing(room: string, id: number): Promise<StoredMessage> {
    const message = await this.repository.find(room, id);
    if (!message) throw new ChatError('unknown-message');
    return message;
  }
}
