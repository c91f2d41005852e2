import { Injectable, type NestMiddleware } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import cors from 'cors';
import { AppConfig, allowedOrigins } from '@app/config';
import { requestOriginAllowed, type AllowedOrigins } from '@app/stomp-transport';
import { refuseRequest } from './send-error';

type Next = (error?: unknown) => void;

/** Request headers a cross-origin page may send to the HTTP doors. */
const ALLOWED_HEADERS = ['Content-Type', 'Authorization', 'client-message-id', 'Last-Event-ID'];
const ALLOWED_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'];

/**
 * The origin rule of the HTTP doors (REST, SSE, long polling). A browser request from an origin that is
 * neither ours nor admitted by ALLOWED_ORIGINS is refused (403); an admitted one gets CORS headers
 * (through `cors`): `Access-Control-Allow-Origin: <that origin>` and `-Credentials: true`, so pages on
 * listed origins can read the answers, and a preflight OPTIONS answers 204 with the methods and headers
 * allowed. The origin is echoed, never `*`: `*` cannot go with credentials.
 */
@Injectable()
export class OriginMiddleware implements NestMiddleware {
  private readonly allowed: AllowedOrigins;
  private readonly cors = cors({
    origin: true,
    credentials: true,
    methods: ALLOWED_METHODS,
    allowedHeaders: ALLOWED_HEADERS,
    maxAge: 600,
    optionsSuccessStatus: 204,
  });

  constructor(config: AppConfig) {
    this.allowed = allowedOrigins(config);
  }

  use(req: IncomingMessage, res: ServerResponse, next: Next): void {
    if (!requestOriginAllowed(req, this.allowed)) {
      return refuseRequest(req, res, 403, { error: 'forbidden-origin', message: 'Requests from this origin are not allowed.' });
    }
    if (req.headers.origin === undefined) return next();
    this.cors(req, res, next);
  }
}
