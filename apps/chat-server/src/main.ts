import 'reflect-metadata';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { ConsoleLogger, Logger, type LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { ConfigError, loadConfig, type AppConfig } from '@app/config';
import { HttpErrorFilter, TransportGateway } from '@app/transports';
import { AppModule } from './app.module';

const LEVELS: LogLevel[] = ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'];
/** SIGTERM must end the process within 10 s whatever a dependency does. */
const SHUTDOWN_DEADLINE_MS = 9_000;

export async function bootstrap(config: AppConfig): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config), {
    bodyParser: false,
    // Colour only on a terminal: logs read by programs (and the listening line) stay plain text.
    logger: new ConsoleLogger({ logLevels: LEVELS.slice(0, LEVELS.indexOf(config.LOG_LEVEL) + 1), colors: Boolean(process.stdout.isTTY) }),
  });
  app.disable('x-powered-by');
  app.useGlobalFilters(new HttpErrorFilter());
  // SockJS answers its own URLs before Nest's router sees them; upgrades go through one router.
  app.use(app.get(TransportGateway).attach(app.getHttpServer()));
  const web = webRoot();
  // No max-age: file names do not change between builds, so browsers revalidate (ETag) instead.
  if (web) app.useStaticAssets(web, { index: 'index.html', maxAge: 0 });
  await app.listen(config.PORT, config.HOST);
  return app;
}

/** The built chat page (apps/web → dist/web), when it has been built. */
function webRoot(): string | undefined {
  const dir = join(__dirname, '..', '..', '..', 'web');
  return existsSync(join(dir, 'index.html')) ? dir : undefined;
}

async function main(): Promise<void> {
  let config: AppConfig;
  try {
    config = loadConfig();
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
  // The one line tools wait for; printed plainly, whatever LOG_LEVEL says.
  console.log(`listening on http://${config.HOST}:${port}`);

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
