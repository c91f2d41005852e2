import 'reflect-metadata';
import type { AddressInfo } from 'node:net';
import type { ServerOptions } from 'node:https';
import { Logger, type NestApplicationOptions } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { ConfigError, loadConfig, type AppConfig } from '@app/config';
import { AppLogger } from '@app/observability';
import { RoutedWsAdapter, StompEndpointServer, StompTcpServer } from '@app/stomp';
import { ClientAddress, HttpErrorFilter, TransportGateway, accessLog } from '@app/transports';
import { serveApiDocuments } from './api-docs';
import { AppModule } from './app.module';
import { applyHttpTimeouts } from './http-server-timeouts';
import { tlsCredentials } from './tls-credentials';
import { serveWebPage } from './web-page';

/** SIGTERM must end the process within 10 s whatever a dependency does. */
const SHUTDOWN_DEADLINE_MS = 9_000;

export async function bootstrap(config: AppConfig): Promise<NestExpressApplication> {
  const tls = tlsCredentials(config);
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config), {
    // TLS_CERT_FILE + TLS_KEY_FILE: the same port serves HTTPS, and so wss:// and SockJS over it. A client
    // gets as long to finish its handshake as to send its request headers. (Nest passes the object to
    // https.createServer whole; its type names fewer of the options.)
    httpsOptions: tls && ({ cert: tls.cert, key: tls.key, handshakeTimeout: config.HTTP_HEADERS_TIMEOUT_MS } satisfies ServerOptions as NestApplicationOptions['httpsOptions']),
    bodyParser: false,
    // Colour only on a terminal: logs read by programs (and the listening line) stay plain text.
    logger: new AppLogger({ level: config.LOG_LEVEL, format: config.LOG_FORMAT, colors: Boolean(process.stdout.isTTY) }),
    // On shutdown, once streams have ended and history is flushed, whatever connections are left (idle
    // keep-alives, sockets that never sent a request) are closed instead of holding the exit.
    forceCloseConnections: true,
  });
  applyHttpTimeouts(app.getHttpServer(), config);
  app.disable('x-powered-by');
  app.useGlobalFilters(new HttpErrorFilter());
  // First, so every HTTP door's requests are logged, SockJS's included.
  app.use(accessLog(app.get(ClientAddress)));
  // SockJS answers its own URLs before Nest's router sees them; upgrades go through one router, Nest
  // gateways' (the plain chat socket) included.
  app.useWebSocketAdapter(new RoutedWsAdapter(app, app.get(StompEndpointServer).router));
  app.use(app.get(TransportGateway).attach(app.getHttpServer()));
  serveWebPage(app);
  serveApiDocuments(app);
  await app.listen(config.PORT, config.HOST);
  return app;
}

async function main(): Promise<void> {
  let config: AppConfig;
  try {
    config = loadConfig();
    tlsCredentials(config);
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
  const logger = new Logger('Main');
  const app = await bootstrap(config);
  const { port } = app.getHttpServer().address() as AddressInfo;
  // The lines tools wait for, whatever LOG_LEVEL says; with LOG_FORMAT=json each is a record like any other.
  // STOMP_TCP_PORT / STOMP_TLS_PORT (0 resolved) come before the HTTP one, so a tool waiting for it has them too.
  const announce = (line: string) =>
    console.log(config.LOG_FORMAT === 'json' ? JSON.stringify({ level: 'log', time: new Date().toISOString(), msg: line, context: 'Main' }) : line);
  for (const door of app.get(StompTcpServer).listening) announce(`listening on ${door.scheme}://${config.HOST}:${door.address.port}`);
  announce(`listening on ${tlsCredentials(config) ? 'https' : 'http'}://${config.HOST}:${port}`);

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.log(`${signal}: shutting down`);
    setTimeout(() => {
      logger.warn('shutdown took too long; exiting');
      process.exit(0);
    }, SHUTDOWN_DEADLINE_MS).unref();
    app.close().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error(`shutdown failed: ${String(error)}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
