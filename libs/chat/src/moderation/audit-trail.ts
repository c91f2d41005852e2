import { Inject, Injectable, Logger } from '@nestjs/common';
import { ChatError } from '../chat-error';
import { validateRoom } from '../post-message.dto';
import { ADMIN_ROLE, type Caller } from '../rooms/room-records';
import { signedIn } from '../rooms/rooms.service';
import { auditLimit } from './moderation-input';
import type { AuditEntry, NewAuditEntry } from './moderation-records';
import { MODERATION_REPOSITORY, type ModerationRepository } from './moderation-repository.port';

/**
 * The trail of moderation actions (GET /api/audit, admins only). What counts as one: a message deleted by
 * someone other than its author, a mute and its lifting, a ban and its lifting, a member removed by
 * someone else, a disconnect. What a user does to their own things (deleting their message, leaving a
 * room) is not moderation and is not kept. Bans and mutes are written with their entry in one
 * transaction (ModerationRepository); the others are written here, after the action.
 */
@Injectable()
export class AuditTrail {
  private readonly logger = new Logger('AuditTrail');

  constructor(@Inject(MODERATION_REPOSITORY) private readonly repository: ModerationRepository) {}

  /**
   * Keeps an action that is done already: a failure to write it is logged, not thrown, since undoing the
   * action is not possible and the caller's request did succeed.
   */
  async record(entry: NewAuditEntry): Promise<void> {
    try {
      await this.repository.record(entry);
    } catch (error) {
      this.logger.error(`the audit entry for ${entry.action} by ${entry.actor} could not be stored: ${String(error)}`);
    }
  }

  /** Newest first, of one room when given; admins only (`forbidden` for anyone else, before any input is read). */
  async list(query: { room?: unknown; limit?: unknown }, caller: Caller | undefined): Promise<AuditEntry[]> {
    const who = signedIn(caller);
    if (!who.roles.includes(ADMIN_ROLE)) throw new ChatError('forbidden', 'Only an admin may read the audit trail.');
    // `?room=` (empty) is no filter, as `?room` left out.
    const room = query.room === undefined || query.room === '' ? undefined : validateRoom(query.room);
    return this.repository.audit({ ...(room !== undefined && { room }), limit: auditLimit(query.limit) });
  }
}
