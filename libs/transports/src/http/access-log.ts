import type { IncomingMessage, ServerResponse } from 'node:http';
import { Logger } from '@nestjs/common';
import type { ClientAddress } from '../client-address';

/** Statuses that mean "refused" (auth, origin, limits, bodies): an operator looks for these first. */
const REFUSALS: ReadonlySet<number> = new Set([401, 403, 405, 413, 415, 429, 431]);

/**
 * The HTTP access log: one record per finished request of every HTTP door (REST, SSE, long polling,
 * SockJS, the page), with the client's address as TRUST_PROXY sees it. Refusals are `warn`, server faults
 * `error`, the rest `log`. The query string is left out: since-id and callbacks are not worth a line,
 * and tokens in `access_token` must never reach a log.
 */
export function accessLog(addresses: ClientAddress): (req: IncomingMessage, res: ServerResponse, next: () => void) => void {
  const logger = new Logger('HTTP');
  return (req, res, next) => {
    const started = performance.now();
    res.once('close', () => {
      const status = res.statusCode;
      const url = req.url ?? '/';
      const q = url.indexOf('?');
      const record = {
        msg: `${req.method} ${q === -1 ? url : url.slice(0, q)} ${status}`,
        method: req.method,
        status,
        ms: Math.round(performance.now() - started),
        remoteAddress: addresses.of(req),
        // A response closed before it finished (a client gone mid-stream) says so.
        ...(res.writableFinished ? {} : { aborted: true }),
      };
      if (status >= 500) logger.error(record);
      else if (REFUSALS.has(status)) logger.warn(record);
      else logger.log(record);
    });
    next();
  };
}
