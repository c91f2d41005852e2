import { Injectable, type NestMiddleware } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ChatError, type ChatErrorCode } from '@app/chat';
import { AppConfig } from '@app/config';
import { refuseRequest, sendError } from './send-error';

type BodyRequest = IncomingMessage & { body?: unknown; _body?: boolean };

/** RFC 9112 §6.3: a request has a body when it says so (Transfer-Encoding, or a Content-Length above 0). */
function hasBody(req: IncomingMessage): boolean {
  if (req.headers['transfer-encoding'] !== undefined) return true;
  const length = req.headers['content-length'];
  return length !== undefined && length !== '0';
}

const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json$/;

/**
 * The JSON body parser of the chat's REST door, with MAX_FRAME_BYTES enforced while the bytes arrive:
 * a declared Content-Length over the limit is refused before reading anything, a chunked body as soon
 * as it crosses the limit (413); either way the client reads the answer (see refuseRequest). A body
 * that is not `application/json` is a 415, unparsable JSON a 400.
 * It needs the app created with `bodyParser: false`; if another parser already read the body it only
 * re-checks the declared size.
 */
@Injectable()
export class JsonBodyMiddleware implements NestMiddleware {
  private readonly limit: number;

  constructor(config: AppConfig) {
    this.limit = config.MAX_FRAME_BYTES;
  }

  use(req: BodyRequest, res: ServerResponse, next: (error?: unknown) => void): void {
    if (req.method !== 'POST' && req.method !== 'PUT' && req.method !== 'PATCH') return next();
    // No body at all (`PUT .../members/{user}`): nothing to type or parse; a handler that needs one says bad-json.
    if (!hasBody(req)) return next();
    const [type, ...params] = (req.headers['content-type'] ?? '').split(';').map((s) => s.trim().toLowerCase());
    const charset = params.find((p) => p.startsWith('charset='))?.slice('charset='.length).replace(/"/g, '');
    if (!JSON_TYPE.test(type) || (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8')) {
      return this.refuse(req, res, 'unsupported-media-type');
    }
    const declared = req.headers['content-length'];
    if (declared !== undefined && Number(declared) > this.limit) {
      return this.refuse(req, res, 'body-too-large', `The body is larger than ${this.limit} bytes.`);
    }
    if (req._body || req.readableEnded) return req.body === undefined ? this.notJson(res) : next();
    this.read(req, res, next);
  }

  private read(req: BodyRequest, res: ServerResponse, next: (error?: unknown) => void): void {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const finish = (): void => {
      done = true;
      req.off('data', onData).off('end', onEnd).off('error', onError);
    };
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > this.limit) {
        finish();
        return this.refuse(req, res, 'body-too-large', `The body is larger than ${this.limit} bytes.`);
      }
      chunks.push(chunk);
    };
    const onEnd = (): void => {
      if (done) return;
      finish();
      let parsed: unknown;
      try {
        parsed = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(Buffer.concat(chunks, size)));
      } catch {
        return this.notJson(res);
      }
      req.body = parsed;
      req._body = true;
      next();
    };
    const onError = (): void => {
      // The client went away mid-body: there is nobody to answer.
      finish();
      res.destroy();
    };
    req.on('data', onData).on('end', onEnd).on('error', onError);
  }

  private notJson(res: ServerResponse): void {
    const error = new ChatError('bad-json');
    sendError(res, error.status, error.toJSON());
  }

  /** Refuses without keeping any more of the body: the client reads the answer while the rest is discarded. */
  private refuse(req: IncomingMessage, res: ServerResponse, code: ChatErrorCode, message?: string): void {
    const error = new ChatError(code, message);
    refuseRequest(req, res, error.status, error.toJSON());
  }
}
