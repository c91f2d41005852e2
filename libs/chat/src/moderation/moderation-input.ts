import { ChatError } from '../chat-error';
import { wellFormed } from '../user-name';

/** The longest mute: 30 days. Longer is what a ban is for. */
export const MAX_MUTE_SECONDS = 30 * 24 * 3600;
export const MAX_REASON = 500;
export const DEFAULT_AUDIT_LIMIT = 50;
export const MAX_AUDIT_LIMIT = 500;

/** A mute's length: a JSON whole number of seconds, 1 to MAX_MUTE_SECONDS (no strings, no fractions). */
export function parseSeconds(value: unknown): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1 || value > MAX_MUTE_SECONDS) throw new ChatError('invalid-seconds');
  return value;
}

/** A ban's reason: optional; up to MAX_REASON characters after trimming; an empty one is none. */
export function parseReason(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string') throw new ChatError('invalid-reason');
  const reason = wellFormed(value.trim());
  if ([...reason].length > MAX_REASON) throw new ChatError('invalid-reason');
  return reason === '' ? null : reason;
}

/**
 * How many audit entries (a query parameter, or a number): 1 to 500, default 50; anything else is
 * `invalid-query`, not a silent cap.
 */
export function auditLimit(value: unknown): number {
  if (value === undefined || value === '') return DEFAULT_AUDIT_LIMIT;
  const limit = typeof value === 'string' && /^\d{1,15}$/.test(value) ? Number(value) : value;
  if (typeof limit !== 'number' || !Number.isSafeInteger(limit) || limit < 1 || limit > MAX_AUDIT_LIMIT) {
    throw new ChatError('invalid-query', `limit must be a whole number from 1 to ${MAX_AUDIT_LIMIT}.`);
  }
  return limit;
}
