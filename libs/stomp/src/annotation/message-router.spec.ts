// #2: @MessageMapping & co. discovered from Nest providers, against the real simple broker.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Injectable, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { INestApplicationContext } from '@nestjs/common';
import { IsString, Length } from 'class-validator';
import { BROKER, MessagingModule, UserSessionRegistry, type BrokerMessage, type BrokerPort } from '@app/messaging';
import type { SessionContext } from '@app/stomp-session';
import {
  DestinationVariable,
  Exception,
  Header,
  MessageExceptionHandler,
  MessageMapping,
  MessageRouter,
  MessageRoutingModule,
  Payload,
  Principal,
  SendTo,
  SendToUser,
  SubscribeMapping,
} from './index';

class GreetingDto {
  @IsString() @Length(1, 10, { context: { code: 'invalid-name' } })
  name!: string;
}

class Teapot extends Error {}

@Injectable()
class TestController {
  @MessageMapping('/greet/{lang}')
  @SendTo('/topic/greetings')
  greet(@DestinationVariable('lang') lang: string, @Payload() dto: GreetingDto, @Principal() user?: string) {
    return { text: `${lang === 'ko' ? '안녕' : 'hello'} ${dto.name}`, by: user ?? null, isDto: dto instanceof GreetingDto };
  }

  @MessageMapping('/default')
  defaultDestination(@Payload() body: { n: number }) {
    return { doubled: body.n * 2 };
  }

  @MessageMapping('/whoami')
  @SendToUser('/queue/me')
  whoami(@Principal() user?: string, @Header('x-tag') tag?: string) {
    return { user, tag };
  }

  @MessageMapping('/teapot')
  teapot(): never {
    throw new Teapot('short and stout');
  }

  @MessageMapping('/boom')
  boom(): never {
    throw new Error('secret internals');
  }

  @SubscribeMapping('/snapshot/{id}')
  snapshot(@DestinationVariable('id') id: string) {
    return { id, items: [1, 2, 3] };
  }

  @MessageExceptionHandler(Teapot)
  @SendToUser('/queue/errors', { broadcast: false })
  onTeapot(@Exception() error: Teapot, @Header('receipt') receipt?: string) {
    return { error: 'teapot', message: error.message, receiptId: receipt };
  }
}

@Module({ imports: [MessagingModule.forRoot(), MessageRoutingModule], providers: [TestController] })
class TestModule {}

let app: INestApplicationContext;
let router: MessageRouter;
let broker: BrokerPort;
const received: { destination: string; message: BrokerMessage }[] = [];

function listen(destination: string): void {
  broker.subscribe({ sessionId: `listener-${destination}`, deliver: (message) => received.push({ destination, message }) }, 'x', destination);
}

function session(principal?: string): SessionContext & { replies: BrokerMessage[] } {
  const replies: BrokerMessage[] = [];
  return {
    sessionId: `s${Math.random().toString(36).slice(2)}`,
    principal: principal ? { name: principal, roles: [] } : undefined,
    version: '1.2',
    transport: 'test',
    remoteAddress: '127.0.0.1',
    replies,
    sendToSubscription: (_id, message) => void replies.push(message),
  };
}

const json = (m: BrokerMessage) => JSON.parse(m.body.toString());
const headers = (h: Record<string, string> = {}) => new Map(Object.entries(h));
const lastOn = (destination: string) => [...received].reverse().find((r) => r.destination === destination)?.message;

before(async () => {
  app = await NestFactory.createApplicationContext(TestModule, { logger: false });
  router = app.get(MessageRouter);
  broker = app.get(BROKER);
});
after(async () => void (await app.close()));

describe('MessageRouter', () => {
  it('binds destination variables, validates the payload into its DTO class and honours @SendTo', async () => {
    listen('/topic/greetings');
    const ok = await router.dispatchSend(session('kim'), '/app/greet/ko', headers(), Buffer.from('{"name":"Jin"}'));
    assert.equal(ok, true);
    assert.deepEqual(json(lastOn('/topic/greetings')!), { text: '안녕 Jin', by: 'kim', isDto: true });
  });

  it('sends the return value to /topic + the mapping by default, as Spring does', async () => {
    listen('/topic/default');
    await router.dispatchSend(session(), '/app/default', headers(), Buffer.from('{"n":21}'));
    assert.deepEqual(json(lastOn('/topic/default')!), { doubled: 42 });
  });

  it('reports validation failures to the sender\'s /user/queue/errors with the DTO\'s code and the receipt', async () => {
    const s = session();
    listen(`/queue/errors-user${s.sessionId}`);
    const ok = await router.dispatchSend(s, '/app/greet/en', headers({ receipt: 'r1' }), Buffer.from('{"name":""}'));
    assert.equal(ok, false);
    const error = json(lastOn(`/queue/errors-user${s.sessionId}`)!);
    assert.equal(error.error, 'invalid-name');
    assert.equal(error.receiptId, 'r1');
    assert.match(error.message, /\.$/);
  });

  it('reports bad JSON and unknown destinations the same way', async () => {
    const s = session();
    listen(`/queue/errors-user${s.sessionId}`);
    await router.dispatchSend(s, '/app/greet/en', headers(), Buffer.from('{nope'));
    assert.equal(json(lastOn(`/queue/errors-user${s.sessionId}`)!).error, 'bad-json');
    await router.dispatchSend(s, '/app/nothing/here', headers(), Buffer.from('{}'));
    assert.equal(json(lastOn(`/queue/errors-user${s.sessionId}`)!).error, 'no-handler');
  });

  it('routes a thrown error to the matching @MessageExceptionHandler', async () => {
    const s = session();
    listen(`/queue/errors-user${s.sessionId}`);
    await router.dispatchSend(s, '/app/teapot', headers({ receipt: 'tp' }), Buffer.alloc(0));
    assert.deepEqual(json(lastOn(`/queue/errors-user${s.sessionId}`)!), { error: 'teapot', message: 'short and stout', receiptId: 'tp' });
  });

  it('hides unexpected errors behind internal-error', async () => {
    const s = session();
    listen(`/queue/errors-user${s.sessionId}`);
    await router.dispatchSend(s, '/app/boom', headers(), Buffer.alloc(0));
    const error = json(lastOn(`/queue/errors-user${s.sessionId}`)!);
    assert.equal(error.error, 'internal-error');
    assert.doesNotMatch(error.message, /secret/);
  });

  it('@SendToUser reaches every session of the user', async () => {
    const users = app.get(UserSessionRegistry);
    const a = session('lee');
    const b = session('lee');
    users.add('lee', a.sessionId);
    users.add('lee', b.sessionId);
    listen(`/queue/me-user${a.sessionId}`);
    listen(`/queue/me-user${b.sessionId}`);
    await router.dispatchSend(a, '/app/whoami', headers({ 'x-tag': 't1' }), Buffer.alloc(0));
    assert.deepEqual(json(lastOn(`/queue/me-user${a.sessionId}`)!), { user: 'lee', tag: 't1' });
    assert.deepEqual(json(lastOn(`/queue/me-user${b.sessionId}`)!), { user: 'lee', tag: 't1' });
  });

  it('@SubscribeMapping replies to that subscription only', async () => {
    const s = session();
    const before = received.length;
    assert.equal(await router.dispatchSubscribe(s, 'sub-1', '/app/snapshot/42', headers()), true);
    assert.deepEqual(s.replies.map(json), [{ id: '42', items: [1, 2, 3] }]);
    assert.equal(received.length, before, 'nothing was broadcast');
  });

  it('matches destinations literally: variables never span a slash, regex characters are plain', async () => {
    const s = session();
    listen(`/queue/errors-user${s.sessionId}`);
    await router.dispatchSend(s, '/app/greet/en/extra', headers(), Buffer.from('{"name":"x"}'));
    assert.equal(json(lastOn(`/queue/errors-user${s.sessionId}`)!).error, 'no-handler');
    await router.dispatchSend(s, '/app/greet/.*', headers(), Buffer.from('{"name":"x"}'));
    assert.equal(json(lastOn('/topic/greetings')!).text, 'hello x');
  });
});
