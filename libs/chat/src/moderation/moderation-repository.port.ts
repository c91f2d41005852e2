import type { AuditEntry, BanRecord, MuteRecord, NewAuditEntry, RestrictionRecords } from './moderation-records';

/**
 * Bans, mutes and the audit trail in storage (libs/persistence implements it over TypeORM). Each write of
 * a restriction stores its audit entry in the same transaction: no ban without its trace.
 */
export interface ModerationRepository {
  /** Every ban and the mutes still running at `now`: of one room, or of all when `room` is left out. */
  restrictions(now: Date, room?: string): Promise<RestrictionRecords>;
  /** Bans the user (again: the record is replaced) and takes them out of the room's members. */
  ban(record: BanRecord, audit: NewAuditEntry): Promise<void>;
  /** False, and nothing written, when the user was not banned. */
  unban(room: string, user: string, audit: NewAuditEntry): Promise<boolean>;
  /** Mutes the user until `record.until` (a running mute is replaced). */
  mute(record: MuteRecord, audit: NewAuditEntry): Promise<void>;
  /** False, and nothing written, when no mute of the user was running at `audit.at`. */
  unmute(room: string, user: string, audit: NewAuditEntry): Promise<boolean>;
  /** An action stored elsewhere (a deletion, a removal, a disconnect). */
  record(entry: NewAuditEntry): Promise<void>;
  /** Newest first; of one room when given. */
  audit(query: { room?: string; limit: number }): Promise<AuditEntry[]>;
}

export const MODERATION_REPOSITORY = Symbol('ModerationRepository');
