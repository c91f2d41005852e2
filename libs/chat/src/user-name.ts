import unhomoglyph from 'unhomoglyph';

/**
 * What a user name may not hold: control characters (they forge log lines and break columns), bidi
 * controls (an RTL override makes `evil` read as `live`), and zero-width characters (they make `victim`
 * and `vic\u200btim` two names that look like one).
 */
export const NAME_FORBIDDEN = /[\p{Cc}\p{Bidi_Control}\u00ad\u180e\u200b-\u200d\u2060-\u2064\ufeff]/u;

const IGNORABLE = /\p{Default_Ignorable_Code_Point}/gu;

/**
 * The form in which two names count as the same person's: NFKC (full-width and other compatibility
 * forms fold to plain letters), case-folded, invisible characters dropped, and every letter mapped to
 * the one it is confusable with (Unicode TR39 skeletons, via unhomoglyph: Cyrillic `а` → Latin `a`,
 * `m` → `rn`). Only for comparing; names are stored and shown as they were written.
 */
export function nameKey(name: string): string {
  return unhomoglyph(name.normalize('NFKC').toLowerCase().replace(IGNORABLE, '')).toLowerCase();
}

/** A lone UTF-16 surrogate, which no UTF-8 column or frame can carry. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/**
 * `text` with every lone surrogate replaced by U+FFFD, once, before a message is stored or sent: the
 * database (UTF-8) would store U+FFFD anyway, so without this the live copy and the stored one differ.
 */
export function wellFormed(text: string): string {
  return text.replace(LONE_SURROGATE, '\ufffd');
}
