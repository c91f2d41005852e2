import 'reflect-metadata';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { NestFactory } from '@nestjs/core';
import { StompAsyncApi } from '@app/stomp';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { GreetingAppModule } from './app.module';

/** Spring's getting-started sample on the broker library: `PORT=8081 node dist/apps/greeting/src/main.js`. */
async function main(): Promise<void> {
  // SockJS reads its own request bodies, so Nest's body parser stays off.
  const app = await NestFactory.create<NestExpressApplication>(GreetingAppModule, { bodyParser: false });
  app.enableShutdownHooks();
  app.useStaticAssets(join(__dirname, '..', '..', '..', '..', 'apps', 'greeting', 'public'));
  app.useStaticAssets(join(require.resolve('sockjs-client/dist/sockjs.min.js'), '..'), { prefix: '/webjars/sockjs/' });
  // What Springwolf adds to a Spring app: the AsyncAPI document of its handlers.
  StompAsyncApi.setup('/api/asyncapi.json', app, { title: 'greeting', version: '1.0.0' });
  const port = Number(process.env.PORT ?? 8081);
  await app.listen(port, process.env.HOST ?? '127.0.0.1');
  console.log(`listening on http://${process.env.HOST ?? '127.0.0.1'}:${(app.getHttpServer().address() as AddressInfo).port}`);
}

void main();
