import { plainToInstance } from 'class-transformer';
import { validate, type ValidationError } from 'class-validator';
import { StompClientError } from '@app/stomp-session';

/** A payload that could not be read or did not validate; `code` is stable, `message` is for people. */
export class MessagePayloadError extends StompClientError {
  override readonly name = 'MessagePayloadError';
}

const PLAIN_TYPES: ReadonlySet<unknown> = new Set([Object, undefined, Array]);

/**
 * Turns a body into the handler parameter's type: Buffer and String as they are, classes through JSON,
 * class-transformer and class-validator. A DTO names its own error codes with
 * `{ context: { code: 'invalid-text' } }` on a constraint.
 */
export async function convertPayload(body: Buffer, type: unknown): Promise<unknown> {
  return validatePayload(parsePayload(body, type), type);
}

/** Step one: the body as the parameter's raw type (Buffer, string) or parsed JSON. */
export function parsePayload(body: Buffer, type: unknown): unknown {
  if (type === Buffer) return body;
  if (type === String) return body.toString('utf8');
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    throw new MessagePayloadError('bad-json', 'The message body is not valid JSON.');
  }
}

/** Step two: parsed JSON as an instance of a DTO class, validated; other types pass through. */
export async function validatePayload(json: unknown, type: unknown): Promise<unknown> {
  if (PLAIN_TYPES.has(type) || typeof type !== 'function' || type === Buffer || type === String) return json;
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new MessagePayloadError('bad-json', 'The message body must be a JSON object.');
  }
  const instance = plainToInstance(type as new () => object, json);
  const errors = await validate(instance, { forbidUnknownValues: true, validationError: { target: false } });
  if (errors.length > 0) throw toPayloadError(errors[0]!);
  return instance;
}

function toPayloadError(error: ValidationError): MessagePayloadError {
  const constraint = Object.keys(error.constraints ?? {})[0];
  const context = constraint ? (error.contexts?.[constraint] as { code?: unknown } | undefined) : undefined;
  const code = typeof context?.code === 'string' ? context.code : `invalid-${error.property}`;
  const message = constraint ? error.constraints![constraint]! : `${error.property} is invalid`;
  return new MessagePayloadError(code, sentence(message));
}

function sentence(text: string): string {
  const s = text.charAt(0).toUpperCase() + text.slice(1);
  return s.endsWith('.') ? s : `${s}.`;
}
