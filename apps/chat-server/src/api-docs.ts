import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { StompAsyncApi, asyncApiMarkdown, type AsyncApiInfo } from '@app/stomp';
import { ACCESS_TOKEN_SCHEME, BEARER_SCHEME, OPENAPI_SCHEMAS } from '@app/transports';
import { DOCS_CSP, setPageHeaders } from './web-page';

export const OPENAPI_PATH = '/api/openapi.json';
export const ASYNCAPI_PATH = '/api/asyncapi.json';
export const DOCS_PATH = '/api/docs';

function version(): string {
  try {
    return (JSON.parse(readFileSync(join(__dirname, '..', '..', '..', '..', 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return '0.0.0';
  }
}

/**
 * The server's two generated documents and the page that shows them: `GET /api/openapi.json` (OpenAPI 3,
 * the REST side, from the controllers' decorators), `GET /api/asyncapi.json` (AsyncAPI 3, the STOMP side,
 * from the message handlers) and `GET /api/docs` (Swagger UI for the first, with the second's operations
 * as a table in its description). Both are built on first request, once every handler is registered.
 */
export function serveApiDocuments(app: NestExpressApplication): void {
  const info: AsyncApiInfo = {
    title: 'stomp-chat',
    version: version(),
    description: 'A chat over STOMP 1.0/1.1/1.2 (WebSocket and SockJS), with the same rooms over REST, SSE, long polling and a plain WebSocket.',
  };
  const config = new DocumentBuilder()
    .setTitle(info.title)
    .setVersion(info.version)
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'When AUTH_TOKEN_SECRET, AUTH_PUBLIC_KEY or AUTH_JWKS_URL is set.' }, BEARER_SCHEME)
    .addApiKey({ type: 'apiKey', in: 'query', name: 'access_token', description: 'The same JWT, for clients that cannot set headers (EventSource).' }, ACCESS_TOKEN_SCHEME)
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'METRICS_TOKEN, when it is set.' }, 'metrics')
    .build();
  config.components = { ...config.components, schemas: { ...OPENAPI_SCHEMAS } };
  const openapi = () => {
    const stomp = asyncApiMarkdown(StompAsyncApi.createDocument(app, info), ASYNCAPI_PATH);
    config.info.description = `${info.description}\n\n## STOMP destinations\n\n${stomp}\n\n## REST, SSE and long polling`;
    return SwaggerModule.createDocument(app, config);
  };
  app.use(DOCS_PATH, (_req: IncomingMessage, res: ServerResponse, next: () => void) => {
    setPageHeaders(res, DOCS_CSP);
    next();
  });
  SwaggerModule.setup(DOCS_PATH, app, openapi, {
    jsonDocumentUrl: OPENAPI_PATH,
    raw: ['json'],
    customSiteTitle: 'stomp-chat API',
    // No badge from validator.swagger.io: the page talks to this server only.
    swaggerOptions: { validatorUrl: null },
  });
  StompAsyncApi.setup(ASYNCAPI_PATH, app, info);
}
