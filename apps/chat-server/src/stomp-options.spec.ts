import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { NestFactory } from '@nestjs/core';
import { Injectable, Module } from '@nestjs/common';
import { AppConfig, ConfigModule, loadConfig } from '@app/config';
import {
  BROKER, ConnectionLimiter, MessagingTemplate, SimpleBroker, StompBrokerModule, StompRelayBroker, StompTcpServer, UserSessionRegistry, type BrokerMessage, type BrokerPort,
} from '@app/stomp';
import { stompOptionsFrom } from './stomp-options';

/** Some application provider that only knows the template. */
@Injectable()
class Greeter {
  constructor(readonly template: MessagingTemplate) {}
}

async function context(env: NodeJS.ProcessEnv) {
  @Module({
    imports: [
      ConfigModule.forRoot(loadConfig(env)),
      StompBrokerModule.forRootAsync({ inject: [AppConfig], useFactory: stompOptionsFrom, attach: false }),
    ],
    providers: [Greeter],
  })
  class AppModule {}
  return NestFactory.createApplicationContext(AppModule, { logger: false });
}

// #11: the chat server's broker options come from its env schema, through StompBrokerModule.forRootAsync.
describe('StompBrokerModule with the options stompOptionsFrom(AppConfig) builds', () => {
  it('uses the simple broker without BROKER_RELAY and lets any provider send through the template', async () => {
    const app = await context({});
    try {
      const broker = app.get<BrokerPort>(BROKER);
      assert.ok(broker instanceof SimpleBroker);
      const got: BrokerMessage[] = [];
      broker.subscribe({ sessionId: 's', deliver: (m) => got.push(m) }, '1', '/topic/hello');
      app.get(Greeter).template.convertAndSend('/topic/hello', { hi: true });
      assert.equal(got[0]?.body.toString(), '{"hi":true}');

      // Send to a user: resolved through the user broadcast the module subscribed at init.
      app.get(UserSessionRegistry).add('ann', 's9');
      broker.subscribe({ sessionId: 's9', deliver: (m) => got.push(m) }, '1', '/queue/inbox-users9');
      app.get(MessagingTemplate).convertAndSendToUser('ann', '/queue/inbox', 'psst');
      assert.equal(got[1]?.body.toString(), 'psst');
    } finally {
      await app.close();
    }
  });

  it('uses the relay when BROKER_RELAY is set', async () => {
    // Port 9 (discard) on loopback: nothing listens, so start() gives up quickly and the relay retries.
    const app = await context({ BROKER_RELAY: 'stomp://guest:guest@127.0.0.1:9' });
    try {
      const broker = app.get<BrokerPort>(BROKER);
      assert.ok(broker instanceof StompRelayBroker);
      assert.equal(broker.health().up, false);
    } finally {
      await app.close();
    }
  });
});

// #15: STOMP_TCP_PORT and STOMP_TLS_PORT become the library's `tcp` listeners on HOST, started with the
// application context, with MAX_CONNECTIONS_PER_IP as the one ConnectionLimiter.
describe('stompOptionsFrom: the TCP and TLS doors', () => {
  it('has none without the port variables, and plain TCP on HOST with STOMP_TCP_PORT', async () => {
    assert.deepEqual(stompOptionsFrom(loadConfig({})).tcp, []);
    const options = stompOptionsFrom(loadConfig({ STOMP_TCP_PORT: '61613', HOST: '127.0.0.1', MAX_CONNECTIONS_PER_IP: '7' }));
    assert.deepEqual(options.tcp, [{ port: 61613, host: '127.0.0.1' }]);
    assert.equal(options.maxConnectionsPerAddress, 7);

    const app = await context({ STOMP_TCP_PORT: '0', HOST: '127.0.0.1', MAX_CONNECTIONS_PER_IP: '7' });
    try {
      const [listening] = app.get(StompTcpServer).listening;
      assert.equal(listening?.scheme, 'stomp');
      assert.ok(listening!.address.port > 0, 'port 0 is resolved');
      assert.equal(app.get(ConnectionLimiter).maxPerAddress, 7);
    } finally {
      await app.close();
    }
  });
});
