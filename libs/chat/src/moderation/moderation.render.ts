import type { AuditEntry, BanRecord, MuteRecord } from './moderation-records';

export function renderMute(mute: MuteRecord): { room: string; user: string; until: string; by: string; at: string } {
  return { room: mute.room, user: mute.user, until: mute.until.toISOString(), by: mute.by, at: mute.at.toISOString() };
}

export function renderBan(ban: BanRecord): { room: string; user: string; by: string; at: string; reason?: string } {
  return { room: ban.room, user: ban.user, by: ban.by, at: ban.at.toISOString(), ...(ban.reason !== null && { reason: ban.reason }) };
}

/** An audit entry (CONTRACT: `{"id","at","actor","action","room","user","messageId"?,"detail"?}`). */
export function renderAuditEntry(entry: AuditEntry): Record<string, string | number | null> {
  return {
    id: entry.id,
    at: entry.at.toISOString(),
    actor: entry.actor,
    action: entry.action,
    room: entry.room,
    user: entry.user,
    ...(entry.messageId !== undefined && { messageId: entry.messageId }),
    ...(entry.detail !== undefined && { detail: entry.detail }),
  };
}
