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
  res.end(writeHead(res, status, body, close));
}

function writeHead(res: ServerResponse, status: number, body: ErrorBody, close: boolean): string {
  const text = JSON.stringify(body);
  res.statusCode = status;
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.setHeader('Content-Length', Buffer.byteLength(text));
  res.setHeader('Cache-Control', 'no-store');
  if (close) res.setHeader('Connection', 'close');
  return text;
}

/**
 * Refuses a request before (or while) its body arrives: the whole answer is written at once, but the
 * response is only ended when the rest of the body has been read and discarded, up to
 * REFUSED_BODY_DRAIN_BYTES. Ending it earlier lets Node close a `Connection: close` socket with unread
 * bytes in flight; the kernel then resets it and the client sees EPIPE or ECONNRESET instead of the
 * status. A keep-alive connection stays usable once the body is drained; past the bound it is cut.
 */
export function refuseRequest(req: IncomingMessage, res: ServerResponse, status: number, body: ErrorBody): void {
  if (req.readableEnded || req.destroyed || res.headersSent) return sendError(res, status, body);
  res.write(writeHead(res, status, body, false));
  let drained = 0;
  const onData = (chunk: Buffer): void => {
    drained += chunk.length;
    if (drained <= REFUSED_BODY_DRAIN_BYTES) return;
    req.off('data', onData);
    res.end();
    req.socket.destroy();
  };
  req.on('data', onData).once('end', () => res.end()).once('error', () => res.destroy());
  req.resume();
}
