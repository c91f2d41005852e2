import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ErrorBody } from './http-error';

/**
 * The most of an unread request body the server reads (and throws away) after refusing it, so that
 * the client, still sending, reads the answer instead of a reset; past this the connection is cut.
 * A few MiB covers honest mistakes (a file posted to the JSON door) at the cost of bandwidth, not memory.
 */
export const REFUSED_BODY_DRAIN_BYTES = 8 * 1024 * 1024;

/**
 * Answers from a middleware (outside Nest's filters) with `{error, message}`. `close` asks Node to drop
 * the connection afterwards (a socket over its address's cap); to refuse a request whose body is still
 * arriving, use `refuseRequest`, which lets the client read the answer.
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

/**
 * Refuses a request before (or while) its body arrives: answers at once, then reads and discards the
 * rest of the body, up to REFUSED_BODY_DRAIN_BYTES. Closing with unread bytes in flight would make the
 * kernel reset the connection, and the client would see EPIPE or ECONNRESET instead of the status.
 * The connection stays usable once the body is drained; a body past the bound has its socket cut.
 */
export function refuseRequest(req: IncomingMessage, res: ServerResponse, status: number, body: ErrorBody): void {
  discardBody(req, REFUSED_BODY_DRAIN_BYTES);
  sendError(res, status, body);
}

function discardBody(req: IncomingMessage, limit: number): void {
  if (req.readableEnded || req.destroyed) return;
  let drained = 0;
  req.on('data', (chunk: Buffer) => {
    drained += chunk.length;
    if (drained > limit) req.socket.destroy();
  });
  req.resume();
}
