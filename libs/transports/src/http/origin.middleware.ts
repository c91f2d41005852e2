import { Injectable, type NestMiddleware } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { AppConfig, allowedOrigins } from '@app/config';
import { requestOriginAllowed, type AllowedOrigins } from '@app/stomp-transport';
import { sendError } from './send-error';

/** Refuses (403) a browser request from an origin that is neither ours nor in ALLOWED_ORIGINS. */
@Injectable()
export class OriginMiddleware implements NestMiddleware {
  private readonly allowed: AllowedOrigins;

  constructor(config: AppConfig) {
    this.allowed = allowedOrigins(config);
  }

  use(req: IncomingMessage, res: ServerResponse, next: () => void): void {
    if (requestOriginAllowed(req, this.allowed)) return next();
    sendError(res, 403, { error: 'forbidden-origin', message: 'Requests from this origin are not allowed.' }, true);
  }
}
