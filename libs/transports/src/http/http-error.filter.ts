import { ArgumentsHost, Catch, type ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { ServerResponse } from 'node:http';
import { isChatError } from '@app/chat';
import { HttpError, type ErrorBody } from './http-error';
import { sendError } from './send-error';

/** Stable codes for the statuses Nest itself raises (unknown route, ...). */
const CODE_BY_STATUS: Record<number, string> = {
  400: 'bad-request',
  403: 'forbidden',
  404: 'not-found',
  405: 'method-not-allowed',
  413: 'body-too-large',
  415: 'unsupported-media-type',
  429: 'rate-limited',
  503: 'unavailable',
};

/**
 * Turns whatever a REST, SSE or long-poll handler throws into `{error, message}` with the right status:
 * ChatError and HttpError keep their code and status, Nest's HttpExceptions get a code from their status,
 * anything else is a 500 whose details stay in the log, never in the response.
 */
@Catch()
export class HttpErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('HttpErrorFilter');

  catch(exception: unknown, host: ArgumentsHost): void {
    // Global filters also wrap STOMP message handlers; their errors are the message router's to report.
    if (host.getType() !== 'http') throw exception;
    const res = host.switchToHttp().getResponse<ServerResponse>();
    const [status, body] = this.map(exception);
    if (res.headersSent) {
      // A stream (SSE) already started: the only honest signal left is to end it.
      res.destroy();
      return;
    }
    sendError(res, status, body);
  }

  private map(exception: unknown): [number, ErrorBody] {
    if (exception instanceof HttpError) return [exception.status, exception.body];
    if (isChatError(exception)) return [exception.status, exception.toJSON()];
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      return [status, { error: CODE_BY_STATUS[status] ?? `http-${status}`, message: messageOf(exception) }];
    }
    this.logger.error(exception instanceof Error ? (exception.stack ?? exception.message) : String(exception));
    return [500, { error: 'internal-error', message: 'The server failed to handle the request.' }];
  }
}

function messageOf(exception: HttpException): string {
  const response = exception.getResponse();
  if (typeof response === 'string') return response;
  const message = (response as { message?: unknown }).message;
  if (typeof message === 'string') return message;
  if (Array.isArray(message)) return message.join('; ');
  return exception.message;
}
