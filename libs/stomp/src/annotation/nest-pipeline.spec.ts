// #11 item 2: Nest's own pipeline on message handlers: guards, interceptors, pipes (ValidationPipe) and
// exception filters declared with Nest's decorators run on @MessageMapping methods; class-level prefixes.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  Catch, Injectable, Module, UseFilters, UseGuards, UseInterceptors, UsePipes, ValidationPipe,
  type CallHandler, type CanActivate, type ExceptionFilter, type ExecutionContext, type INestApplicationContext,
  type NestInterceptor,
} from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { IsInt, Max } from 'class-validator';
import { map, type Observable } from 'rxjs';
import { BROKER, MessagingModule, type BrokerMessage, type BrokerPort } from '@app/messaging';
import type { SessionContext } from '@app/stomp-session';
import {
  DestinationVariable, MessageMapping, MessageRouter, MessageRoutingModule, Payload, STOMP_CONTEXT_TYPE, SendTo, StompClientError,
  SubscribeMapping, type StompMessageContext,
} from './index';

class CountDto {
  @IsInt() @Max(10)
  n!: number;
}

class Teapot extends Error {}

/** Admits sessions whose principal is `admin`, and records what the context exposes. */
@Injectable()
class AdminGuard implements CanActivate {
  static seen: { type: string; destination?: string; user?: string }[] = [];
  canActivate(context: ExecutionContext): boolean {
    const ws = context.switchToWs();
    const session = ws.getClient<SessionContext>();
    AdminGuard.seen.push({ type: context.getType(), destination: ws.getData<StompMessageContext>().destination, user: session.principal?.name });
    return session.principal?.name === 'admin';
  }
}

@Injectable()
class WrapInterceptor implements NestInterceptor {
  intercept(_context: ExecutionContext, next: CallHandler): Observable<unknown> {
    return next.handle().pipe(map((value) => ({ wrapped: value })));
  }
}

@Catch(Teapot)
class TeapotFilter implements ExceptionFilter {
  catch(): never {
    throw new StompClientError('teapot', 'I am a teapot.');
  }
}

@MessageMapping('/counter')
@Injectable()
class CounterController {
  @MessageMapping('/{name}/add')
  @SendTo('/topic/counter')
  @UseGuards(AdminGuard)
  @UseInterceptors(WrapInterceptor)
  add(@DestinationVariable('name') name: string, @Payload() dto: CountDto) {
    return { name, n: dto.n, isDto: dto instanceof CountDto };
  }

  @MessageMapping('/strict')
  @SendTo('/topic/strict')
  @UsePipes(new ValidationPipe({ transform: true }))
  strict(@Payload() dto: CountDto) {
    return { n: dto.n };
  }

  @MessageMapping('/teapot')
  @UseFilters(TeapotFilter)
  teapot(): never {
    throw new Teapot();
  }

  @MessageMapping('/leaky')
  leaky(): never {
    throw Object.assign(new Error('SELECT * FROM secrets'), { code: 'ER_SECRET' });
  }

  @SubscribeMapping('/snapshot')
  snapshot() {
    return { ok: true };
  }
}

@Module({ imports: [MessagingModule.forRoot(), MessageRoutingModule], providers: [CounterController, AdminGuard] })
class TestModule {}

let app: INestApplicationContext;
let router: MessageRouter;
let broker: BrokerPort;
const received: { destination: string; message: BrokerMessage }[] = [];

function session(principal?: string): SessionContext & { replies: BrokerMessage[] } {
  const replies: BrokerMessage[] = [];
  return {
    sessionId: `s${Math.random().toString(36).slice(2)}`, principal: principal ? { name: principal, roles: [] } : undefined,
    version: '1.2', transport: 'test', remoteAddress: '127.0.0.1', replies,
    sendToSubscription: (_id, message) => void replies.push(message),
  };
}
const json = (m: BrokerMessage | undefined) => JSON.parse(m!.body.toString());
const last = (destination: string) => [...received].reverse().find((r) => r.destination === destination)?.message;
function listen(destination: string): void {
  broker.subscribe({ sessionId: `l-${destination}`, deliver: (message) => received.push({ destination, message }) }, 'x', destination);
}
async function errorOf(s: SessionContext, destination: string, body: string): Promise<{ error: string; message: string }> {
  listen(`/queue/errors-user${s.sessionId}`);
  assert.equal(await router.dispatchSend(s, destination, new Map(), Buffer.from(body)), false);
  return json(last(`/queue/errors-user${s.sessionId}`));
}

before(async () => {
  app = await NestFactory.createApplicationContext(TestModule, { logger: false });
  router = app.get(MessageRouter);
  broker = app.get(BROKER);
  listen('/topic/counter');
  listen('/topic/strict');
});
after(async () => void (await app.close()));

describe('#11 Nest pipeline on @MessageMapping', () => {
  it('a class-level @MessageMapping prefixes the method mappings; guard and interceptor run; the DTO is validated', async () => {
    assert.equal(await router.dispatchSend(session('admin'), '/app/counter/apples/add', new Map(), Buffer.from('{"n":3}')), true);
    assert.deepEqual(json(last('/topic/counter')), { wrapped: { name: 'apples', n: 3, isDto: true } });
    assert.deepEqual(AdminGuard.seen.at(-1), { type: STOMP_CONTEXT_TYPE, destination: '/app/counter/apples/add', user: 'admin' });
  });

  it('a guard that refuses answers forbidden on the error destination and nothing is sent', async () => {
    const before = received.length;
    assert.equal((await errorOf(session('bob'), '/app/counter/apples/add', '{"n":3}')).error, 'forbidden');
    assert.equal(received.filter((r) => r.destination === '/topic/counter').length, received.slice(0, before).filter((r) => r.destination === '/topic/counter').length);
  });

  it('the payload DTO validates before the guard-protected method runs (code from the constraint)', async () => {
    assert.equal((await errorOf(session('admin'), '/app/counter/apples/add', '{"n":30}')).error, 'invalid-n');
  });

  it('Nest\'s ValidationPipe via @UsePipes runs (its bad-request, not the DTO\'s own code) and its failures reach the client', async () => {
    const error = await errorOf(session(), '/app/counter/strict', '{"n":30}');
    assert.equal(error.error, 'bad-request');
    assert.match(error.message, /^N must not be greater than 10/);
    assert.equal(await router.dispatchSend(session(), '/app/counter/strict', new Map(), Buffer.from('{"n":2}')), true);
    assert.deepEqual(json(last('/topic/strict')), { n: 2 });
  });

  it('an exception filter turns an application error into a client error', async () => {
    assert.deepEqual(await errorOf(session(), '/app/counter/teapot', '{}'), { error: 'teapot', message: 'I am a teapot.' });
  });

  it('an error that merely carries a `code` is not shown to the client', async () => {
    const error = await errorOf(session(), '/app/counter/leaky', '{}');
    assert.equal(error.error, 'internal-error');
    assert.doesNotMatch(error.message, /secret/i);
  });

  it('@SubscribeMapping under the class prefix replies to the subscription only', async () => {
    const s = session();
    assert.equal(await router.dispatchSubscribe(s, 'sub-1', '/app/counter/snapshot', new Map()), true);
    assert.deepEqual(json(s.replies[0]), { ok: true });
  });
});
