import { IsOptional, IsString, Matches, ValidateBy, validateSync, type ValidationOptions } from 'class-validator';
import { ChatError, type ChatErrorCode } from './chat-error';
import { NAME_FORBIDDEN, wellFormed } from './user-name';

export const ROOM_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
export const MAX_TEXT = 4000;
export const MAX_FROM = 64;
export const MAX_CLIENT_MESSAGE_ID = 64;

/**
 * Lengths count code points, not UTF-16 units, so an emoji is one character; this is also what
 * PostgreSQL's varchar(64) counts, so a valid name always fits its column.
 */
function CodePointLength(min: number, max: number, options?: ValidationOptions) {
  return ValidateBy(
    {
      name: 'codePointLength',
      validator: {
        validate: (value: unknown) => {
          if (typeof value !== 'string') return false;
          const length = [...value].length;
          return length >= min && length <= max;
        },
      },
    },
    options,
  );
}

/** `pattern` must not match: for characters that would corrupt a column or a log line. */
function Forbids(pattern: RegExp, options?: ValidationOptions) {
  return ValidateBy({ name: 'forbids', validator: { validate: (v: unknown) => typeof v === 'string' && !pattern.test(v) } }, options);
}

// NUL is refused everywhere: PostgreSQL rejects it in text, which would fail a whole batch.
const CONTROL = /[\u0000-\u001f\u007f]/;
const NUL = /\u0000/;

/** A chat post after trimming, as the validator sees it. */
export class PostMessageDto {
  @IsString() @Matches(ROOM_PATTERN)
  room!: string;

  @IsString() @CodePointLength(1, MAX_FROM) @Forbids(NAME_FORBIDDEN)
  from!: string;

  @IsString() @CodePointLength(1, MAX_TEXT) @Forbids(NUL)
  text!: string;

  @IsOptional() @IsString() @CodePointLength(1, MAX_CLIENT_MESSAGE_ID) @Forbids(CONTROL)
  clientMessageId?: string;
}

/** Checked in this order; the first failure names the error. */
const CODES: ReadonlyArray<[keyof PostMessageDto, ChatErrorCode]> = [
  ['room', 'invalid-room'],
  ['from', 'invalid-from'],
  ['text', 'invalid-text'],
  ['clientMessageId', 'invalid-client-message-id'],
];

export interface ValidPost {
  room: string;
  from: string;
  text: string;
  clientMessageId?: string;
}

/**
 * Trims `from` and `text` (they are stored trimmed) and makes them well-formed (a lone surrogate becomes
 * U+FFFD, so what is broadcast is what is stored), treats an empty client-message-id as none, and
 * throws ChatError for the first invalid field.
 */
export function validatePost(input: { room: unknown; from: unknown; text: unknown; clientMessageId?: unknown }): ValidPost {
  const dto = new PostMessageDto();
  dto.room = input.room as string;
  dto.from = (typeof input.from === 'string' ? wellFormed(input.from.trim()) : input.from) as string;
  dto.text = (typeof input.text === 'string' ? wellFormed(input.text.trim()) : input.text) as string;
  const clientMessageId = input.clientMessageId === '' || input.clientMessageId === null ? undefined : input.clientMessageId;
  if (clientMessageId !== undefined) dto.clientMessageId = clientMessageId as string;
  const failed = new Set(validateSync(dto).map((e) => e.property));
  for (const [property, code] of CODES) if (failed.has(property)) throw new ChatError(code);
  return { room: dto.room, from: dto.from, text: dto.text, ...(dto.clientMessageId !== undefined && { clientMessageId: dto.clientMessageId }) };
}

/** A user's name as a sender's `from` must be: 1 to 64 code points, no control, bidi or zero-width characters. */
class UserNameDto {
  @IsString() @CodePointLength(1, MAX_FROM) @Forbids(NAME_FORBIDDEN)
  name!: string;
}

export function validateUserName(name: unknown): string {
  const dto = new UserNameDto();
  dto.name = name as string;
  if (validateSync(dto).length > 0) throw new ChatError('invalid-from');
  return dto.name;
}

export function validateRoom(room: unknown): string {
  if (typeof room !== 'string' || !ROOM_PATTERN.test(room)) throw new ChatError('invalid-room');
  return room;
}

/** The fields of a chat message body. Anything but a JSON object (`null`, an array, a string) is `bad-json`. */
export function messageFields(body: unknown): { from?: unknown; text?: unknown } {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new ChatError('bad-json');
  return body as { from?: unknown; text?: unknown };
}
