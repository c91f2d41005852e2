/** A user barred from a room: they may neither read nor post there, nor be added back, until it is lifted. */
export interface BanRecord {
  room: string;
  user: string;
  by: string;
  reason: string | null;
  at: Date;
}

/** A user who may read a room but not post in it until `until`. */
export interface MuteRecord {
  room: string;
  user: string;
  by: string;
  until: Date;
  at: Date;
}

/** What RoomRestrictions keeps of a room (or of every room): its bans and the mutes still running. */
export interface RestrictionRecords {
  bans: BanRecord[];
  mutes: MuteRecord[];
}

/** Every kind of entry in the audit trail. */
export const AUDIT_ACTIONS = ['delete', 'mute', 'unmute', 'ban', 'unban', 'remove-member', 'disconnect'] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/**
 * One moderation action as the audit trail keeps it. `room` is null for a disconnect (it is about a user
 * everywhere); `user` is whom it was done to (a deleted message's author).
 */
export interface NewAuditEntry {
  at: Date;
  actor: string;
  action: AuditAction;
  room: string | null;
  user: string | null;
  messageId?: number;
  detail?: string;
}

export interface AuditEntry extends NewAuditEntry {
  id: number;
}
