import { plainToInstance } from 'class-transformer';
import { validate, type ValidationError } from 'class-validator';

/** A payload that could not be read or did not validate; `code` is stable, `message` is for people. */
export class MessagePayloadError extends Error {
  override readonly name = 'MessagePayloadError';
  constructor(readonly code: string, message: string) {
    super(message);
  }
}

const PLAIN_TYPES: ReadonlySet<unknown> = new Set([Object, undefined, Array]);

/**
 * Turns a body into the handler parameter's type: Buffer and String as they are, classes through JSON,
 * class-transformer and class-validator. A DTO names its own error codes with
 * `{ context: { code: 'invalid-text' } }` on a constraint.
 */
export async function convertPayload(body: Buffer, type: unknown): Promise<unknown> {
  if (type === Buffer) return body;
  if (type === String) return body.toString('utf8');
  let json: unknown;
  try {
    json = JSON.parse(body.toString('utf8'));
  } catch {
    throw new MessagePayloadError('bad-json', 'The message body is not valid JSON.');
  }
  if (PLAIN_TYPES.has(type) || typeof type !== 'function') return json;
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
