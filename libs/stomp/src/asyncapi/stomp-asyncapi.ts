import type { INestApplication, INestApplicationContext } from '@nestjs/common';
import { MessageRouter } from '../annotation';
import { STOMP_BROKER_OPTIONS, type ResolvedStompBrokerOptions } from '../module/stomp-broker.options';
import { buildAsyncApiDocument, type AsyncApiDocument, type AsyncApiInfo, type AsyncApiServerAddress } from './asyncapi-document';

type RequestLike = { headers?: Record<string, string | string[] | undefined>; socket?: { encrypted?: boolean } };

/**
 * The broker's AsyncAPI document for a Nest app, as SwaggerModule is for its REST side:
 * `StompAsyncApi.setup('/api/asyncapi.json', app, { title, version })` serves it, generated from the
 * handlers the app has registered once it is initialised.
 */
export class StompAsyncApi {
  static createDocument(app: INestApplicationContext, info: AsyncApiInfo, at?: AsyncApiServerAddress): AsyncApiDocument {
    const options = app.get<ResolvedStompBrokerOptions>(STOMP_BROKER_OPTIONS, { strict: false });
    return buildAsyncApiDocument(info, app.get(MessageRouter, { strict: false }).mappings(), options, at);
  }

  /**
   * Serves the document at `path` (JSON). Its servers name the host the client asked for, or the
   * broker's publicOrigin when one is configured (then the Host header is not trusted).
   */
  static setup(path: string, app: INestApplication, info: AsyncApiInfo): void {
    const http = app.getHttpAdapter();
    http.get(path, (req: RequestLike, res: unknown) => {
      const options = app.get<ResolvedStompBrokerOptions>(STOMP_BROKER_OPTIONS, { strict: false });
      const body = JSON.stringify(StompAsyncApi.createDocument(app, info, addressOf(req, options)));
      http.setHeader(res, 'Content-Type', 'application/json; charset=utf-8');
      http.setHeader(res, 'Cache-Control', 'no-cache');
      http.reply(res, body, 200);
    });
  }
}

function addressOf(req: RequestLike, options: ResolvedStompBrokerOptions): AsyncApiServerAddress {
  const own = options.allowedOrigins === '*' ? undefined : options.allowedOrigins.own;
  if (own !== undefined) {
    const url = new URL(own);
    return { host: url.host, secure: url.protocol === 'https:' };
  }
  const host = req.headers?.host;
  return { host: (Array.isArray(host) ? host[0] : host) || 'localhost', secure: req.socket?.encrypted === true };
}
