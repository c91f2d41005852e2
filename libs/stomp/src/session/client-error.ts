import { HttpException, IntrinsicException } from '@nestjs/common';

/**
 * The one error type whose code and message a STOMP client may see (on the session's error destination).
 * Anything else thrown by a handler is a server fault: logged, and reported only as `internal-error`.
 * Applications extend it (the chat's ChatError does) rather than attaching a `code` to any object.
 * It is an IntrinsicException so that Nest's exception layer does not log a client's mistake as a fault.
 */
export class StompClientError extends IntrinsicException {
  override readonly name: string = 'StompClientError';
  constructor(readonly code: string, message: string) {
    super(message);
  }
}

/** What the client is told about `error`: its own code for a StompClientError or a Nest HTTP exception, else nothing. */
export function clientErrorOf(error: unknown): { error: string; message: string } | undefined {
  if (error instanceof StompClientError) return { error: error.code, message: error.message };
  // Guards (ForbiddenException) and Nest's ValidationPipe (BadRequestException) speak HTTP exceptions.
  if (error instanceof HttpException) {
    const response = error.getResponse();
    const detail = typeof response === 'object' && response !== null ? (response as { message?: unknown }).message : response;
    const message = Array.isArray(detail) ? String(detail[0]) : typeof detail === 'string' ? detail : error.message;
    return { error: httpCode(error.getStatus()), message: sentence(message) };
  }
  return undefined;
}

function httpCode(status: number): string {
  if (status === 401) return 'unauthorized';
  if (status === 403) return 'forbidden';
  if (status === 429) return 'rate-limited';
  return status >= 500 ? 'internal-error' : 'bad-request';
}

function sentence(text: string): string {
  const s = text.charAt(0).toUpperCase() + text.slice(1);
  return s.endsWith('.') ? s : `${s}.`;
}
