// #11 item 3: channel interceptors (see, change, refuse inbound frames; withhold outbound MESSAGEs) and
// declarative destination authorization (Spring Security's simpDestMatchers), on the library alone:
// a Nest app of its own on a real port, a real STOMP client.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { Injectable, Module, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import {
  StompBrokerModule, StompClientError, StompInterceptor,
  type Authenticator, type Credentials, type StompChannelInterceptor, type StompFrame,
} from '@app/stomp';
import { RawStomp, frameText as f } from '../support/raw-stomp';

/** `login:name:role1+role2` names the user and its roles. */
@Injectable()
class LoginRoles implements Authenticator {
  async authenticate(credentials: Credentials) {
    const [name, roles = ''] = (credentials.login ?? '').split(':');
    return name ? { name, roles: roles.split('+').filter(Boolean) } : undefined;
  }
}

/** Stamps every SEND, refuses a header, withholds messages marked secret from non-admins. */
@Injectable()
@StompInterceptor()
class Stamping implements StompChannelInterceptor {
  preSend(frame: StompFrame): StompFrame | void {
    if (frame.headers.has('x-forbidden')) throw new StompClientError('bad-header', 'x-forbidden is not allowed.');
    if (frame.command !== 'SEND') return;
    const headers = new Map(frame.headers);
    headers.set('stamped', 'yes');
    return { ...frame, headers };
  }

  preDeliver(message: { headers: Iterable<[string, string]> }, _s: unknown, session: { principal?: { roles?: readonly string[] } }): boolean {
    const secret = [...message.headers].some(([k]) => k === 'secret-level');
    return !secret || (session.principal?.roles ?? []).includes('admin');
  }
}

@Module({
  imports: [StompBrokerModule.forRoot({
    endpoints: [{ path: '/stomp', sockjs: false }],
    authorization: [
      { destination: '/topic/admin/**', access: { roles: ['admin'] } },
      { commands: ['SEND'], destination: '/topic/announcements', access: { roles: ['admin'] } },
      { destination: '/topic/members/*', access: 'authenticated' },
      { destination: '/queue/closed', access: 'denyAll' },
      // #13: a pattern variable handed to the application's own decision (Spring's `access("@x.y(#room)")`).
      {
        destination: '/topic/clubs/{club}/**',
        access: { check: ({ session, variables, command }) => command === 'SUBSCRIBE' && session.principal?.name === variables.get('club') },
      },
      // #13: a check that says why (an application's ban): its own code reaches the client.
      {
        destination: '/topic/bars/{bar}',
        access: { check: ({ variables }) => variables.get('bar') !== 'closed' || new StompClientError('bar-closed', 'This bar is closed.') },
      },
    ],
  }, { authenticator: LoginRoles })],
  providers: [Stamping],
})
class InterceptedApp {}

let app: INestApplication;
let url = '';
before(async () => {
  app = await NestFactory.create(InterceptedApp, { logger: false, bodyParser: false });
  await app.listen(0, '127.0.0.1');
  url = `ws://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}/stomp`;
});
after(async () => void (await app.close()));

async function client(login?: string): Promise<RawStomp> {
  const c = await RawStomp.open(url);
  await c.connect({ 'heart-beat': '0,0', ...(login ? { login } : {}) });
  c.send(f('SUBSCRIBE', { id: 'errors', destination: '/user/queue/errors', receipt: 'e' }));
  await c.next((x) => x.command === 'RECEIPT' && x.headers.get('receipt-id') === 'e');
  return c;
}
const json = (frame: StompFrame) => JSON.parse(frame.body.toString());
const errorOn = (c: RawStomp, from = 0) => c.next((x) => x.command === 'MESSAGE' && x.headers.get('subscription') === 'errors', 5_000, from);

describe('#11 destination authorization', () => {
  it('a SUBSCRIBE refused by a rule gets {error:"forbidden",message,destination} on /user/queue/errors and no subscription', async () => {
    const bob = await client('bob');
    bob.send(f('SUBSCRIBE', { id: 'a', destination: '/topic/admin/audit', receipt: 'r' }));
    const error = json(await errorOn(bob));
    assert.equal(error.error, 'forbidden');
    assert.equal(error.destination, '/topic/admin/audit');
    assert.equal(error.receiptId, 'r');
    const admin = await client('ann:admin');
    admin.send(f('SUBSCRIBE', { id: 'a', destination: '/topic/admin/audit', receipt: 'ok' }));
    await admin.next((x) => x.command === 'RECEIPT' && x.headers.get('receipt-id') === 'ok');
    admin.send(f('SEND', { destination: '/topic/admin/audit' }, 'entry'));
    assert.equal((await admin.next((x) => x.command === 'MESSAGE' && x.headers.get('subscription') === 'a')).body.toString(), 'entry');
    assert.equal(bob.frames.filter((x) => x.headers.get('subscription') === 'a').length, 0);
    bob.close(); admin.close();
  });

  it('rules by frame type: anyone may SUBSCRIBE to announcements, only admins SEND; nothing is delivered when refused', async () => {
    const bob = await client('bob');
    bob.send(f('SUBSCRIBE', { id: 'n', destination: '/topic/announcements', receipt: 'n' }));
    await bob.next((x) => x.command === 'RECEIPT' && x.headers.get('receipt-id') === 'n');
    bob.send(f('SEND', { destination: '/topic/announcements' }, 'spoof'));
    assert.equal(json(await errorOn(bob)).error, 'forbidden');
    const admin = await client('ann:admin');
    admin.send(f('SEND', { destination: '/topic/announcements' }, 'real'));
    const got = await bob.next((x) => x.command === 'MESSAGE' && x.headers.get('subscription') === 'n');
    assert.equal(got.body.toString(), 'real');
    assert.equal(bob.frames.filter((x) => x.body.toString() === 'spoof').length, 0);
    bob.close(); admin.close();
  });

  it('authenticated and denyAll', async () => {
    const anonymous = await client();
    anonymous.send(f('SUBSCRIBE', { id: 'm', destination: '/topic/members/lounge' }));
    assert.equal(json(await errorOn(anonymous)).error, 'forbidden');
    const bob = await client('bob');
    bob.send(f('SUBSCRIBE', { id: 'm', destination: '/topic/members/lounge', receipt: 'm' }));
    await bob.next((x) => x.command === 'RECEIPT' && x.headers.get('receipt-id') === 'm');
    bob.send(f('SEND', { destination: '/queue/closed' }, 'x'));
    assert.equal(json(await errorOn(bob)).error, 'forbidden');
    anonymous.close(); bob.close();
  });
});

describe('#13 destination rules with variables and an application check', () => {
  it('`{club}` reaches the check with the destination\'s segment; refused frames get forbidden with the destination', async () => {
    const bob = await client('bob');
    for (const destination of ['/topic/clubs/bob', '/topic/clubs/bob/news']) {
      bob.send(f('SUBSCRIBE', { id: destination, destination, receipt: destination }));
      await bob.next((x) => x.command === 'RECEIPT' && x.headers.get('receipt-id') === destination);
    }
    const seen = bob.frames.length;
    bob.send(f('SUBSCRIBE', { id: 'other', destination: '/topic/clubs/ann/news' }));
    const refused = json(await errorOn(bob, seen));
    assert.deepEqual([refused.error, refused.destination], ['forbidden', '/topic/clubs/ann/news']);
    // The check said no to SEND (command in the context): nothing reaches bob's own subscription.
    bob.send(f('SEND', { destination: '/topic/clubs/bob', receipt: 'send' }, 'spoof'));
    assert.equal(json(await errorOn(bob, seen + 1)).destination, '/topic/clubs/bob');
    assert.equal(bob.frames.filter((x) => x.body.toString() === 'spoof').length, 0);
    bob.close();
  });

  it('a check that returns a StompClientError refuses with its code and sentence, with the destination', async () => {
    const bob = await client('bob');
    bob.send(f('SUBSCRIBE', { id: 'open', destination: '/topic/bars/open', receipt: 'open' }));
    await bob.next((x) => x.command === 'RECEIPT' && x.headers.get('receipt-id') === 'open');
    const seen = bob.frames.length;
    bob.send(f('SUBSCRIBE', { id: 'closed', destination: '/topic/bars/closed' }));
    const refused = json(await errorOn(bob, seen));
    assert.deepEqual(refused, { error: 'bar-closed', message: 'This bar is closed.', destination: '/topic/bars/closed' });
    bob.close();
  });
});

describe('#11 channel interceptors', () => {
  it('change an inbound SEND (a header added), refuse a frame with a client error, withhold a MESSAGE per subscriber', async () => {
    const admin = await client('ann:admin');
    const bob = await client('bob');
    for (const c of [admin, bob]) {
      c.send(f('SUBSCRIBE', { id: 'x', destination: '/topic/lobby', receipt: 'x' }));
      await c.next((y) => y.command === 'RECEIPT' && y.headers.get('receipt-id') === 'x');
    }
    bob.send(f('SEND', { destination: '/topic/lobby' }, 'hello'));
    const stamped = await admin.next((y) => y.command === 'MESSAGE' && y.body.toString() === 'hello');
    assert.equal(stamped.headers.get('stamped'), 'yes');

    bob.send(f('SEND', { destination: '/topic/lobby', 'x-forbidden': '1' }, 'nope'));
    assert.equal(json(await errorOn(bob)).error, 'bad-header');

    admin.send(f('SEND', { destination: '/topic/lobby', 'secret-level': '1' }, 'secret'));
    admin.send(f('SEND', { destination: '/topic/lobby' }, 'after'));
    await admin.next((y) => y.body.toString() === 'secret');
    await bob.next((y) => y.body.toString() === 'after');
    assert.equal(bob.frames.filter((y) => y.body.toString() === 'secret').length, 0);
    assert.equal(admin.frames.filter((y) => y.body.toString() === 'nope').length, 0);
    admin.close(); bob.close();
  });
});
