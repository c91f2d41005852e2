import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { Global, Module, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ChatModule, IdentityModule } from '@app/chat';
import { AppConfig, loadConfig } from '@app/config';
import { MessagingModule } from '@app/messaging';
import { ConnectionLimiter } from '@app/stomp-transport';
import { ObservabilityModule } from '@app/observability';
import { PersistenceModule } from '@app/persistence';
import { HttpTransportsModule, type HttpTransportOptions } from '../../libs/transports/src/http';
import { RoutedWsAdapter, UpgradeRouter } from '@app/stomp-transport';

export interface HttpTestApp {
  readonly app: INestApplication;
  readonly url: string;
  readonly wsUrl: string;
  readonly host: string;
  stop(): Promise<void>;
}

/**
 * The chat without STOMP on 127.0.0.1:0 over SQLite in memory, wired the way app.module.ts should:
 * config, persistence, messaging, chat, identity, observability, the HTTP doors, and /ws/chat (a gateway)
 * on the upgrade router.
 */
export async function startHttpApp(
  env: Record<string, string> = {},
  http: Partial<HttpTransportOptions> = {},
): Promise<HttpTestApp> {
  // No chat-message rate limit unless a test asks for one: suites here post in bursts to load streams.
  const config = loadConfig({ DATABASE_URL: 'sqlite::memory:', LOG_LEVEL: 'error', RATE_LIMIT_PER_SEC: '0', ...env });

  // The per-address limiter StompBrokerModule provides in the real app (this app has no STOMP endpoint).
  const limiter = { provide: ConnectionLimiter, useValue: new ConnectionLimiter(config.MAX_CONNECTIONS_PER_IP) };
  @Global()
  @Module({ providers: [{ provide: AppConfig, useValue: config }, limiter], exports: [AppConfig, ConnectionLimiter] })
  class TestConfigModule {}

  @Module({
    imports: [
      TestConfigModule,
      PersistenceModule.forRoot(),
      MessagingModule.forRoot(),
      ChatModule,
      IdentityModule,
      ObservabilityModule,
      HttpTransportsModule.forRoot({ imports: [ChatModule], http }),
    ],
  })
  class TestAppModule {}

  const app = await NestFactory.create(TestAppModule, { bodyParser: false, logger: ['error'] });
  // /ws/chat is a Nest gateway: its path becomes a route of this router.
  const router = new UpgradeRouter();
  app.useWebSocketAdapter(new RoutedWsAdapter(app, router));
  await app.listen(0, '127.0.0.1');
  const server = app.getHttpServer() as Server;
  router.attach(server);
  const { port } = server.address() as AddressInfo;
  const host = `127.0.0.1:${port}`;
  return {
    app,
    host,
    url: `http://${host}`,
    wsUrl: `ws://${host}`,
    stop: async () => {
      // Shutdown hooks answer held polls and end SSE streams first; then idle keep-alives go.
      const closing = app.close();
      server.closeIdleConnections();
      await closing;
      server.closeAllConnections();
    },
  };
}
