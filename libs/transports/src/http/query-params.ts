import { ChatError } from '@app/chat';

/**
 * Reads an optional whole-number query parameter; anything else (a word, a fraction, a negative, a
 * repeated parameter, too many digits) is a 400 `invalid-query`, never a silent NaN.
 */
export function optionalInteger(value: unknown, name: string, min = 0): number | undefined {
  if (value === undefined || value === '') return undefined;
  if (typeof value !== 'string' || !/^\d{1,15}$/.test(value) || Number(value) < min) {
    throw new ChatError('invalid-query', `${name} must be a whole number of at least ${min}.`);
  }
  return Number(value);
}
