import type { ServerResponse } from 'node:http';
import type { ErrorBody } from './http-error';

/**
 * Answers from a middleware (outside Nest's filters) with `{error, message}`. `close` asks Node to drop
 * the connection afterwards, for when an unread request body is still on its way.
 */
export function sendError(res: ServerResponse, status: number, body: ErrorBody, close = false): void {
  if (res.headersSent) return void res.destroy();
  const text = JSON.stringify(body);
  res.statusCode = status;
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.setHeader('Content-Length', Buffer.byteLength(text));
  res.setHeader('Cache-Control', 'no-store');
  if (close) res.setHeader('Connection', 'close');
  res.end(text);
}
