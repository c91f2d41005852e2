// #2: what server code sees and does: session lifecycle events, and the messaging template.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { EventEmitter2 } from '@nestjs/event-emitter';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { loadConfig } from '@app/config';
import { MessagingTemplate } from '@app/messaging';
import { StompEvents } from '@app/stomp-session';
import { bootstrap } from '../../apps/chat-server/src/main';
import { RawStomp, frameText as f } from '../support/raw-stomp';

let app: NestExpressApplication;
let url: string;
const events: { name: string; payload: Record<string, unknown> }[] = [];

before(async () => {
  app = await bootstrap(loadConfig({ HOST: '127.0.0.1', PORT: '0', DATABASE_URL: 'sqlite::memory:', LOG_LEVEL: 'warn' }));
  url = `ws://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}/chat`;
  const emitter = app.get(EventEmitter2);
  for (const name of Object.values(StompEvents)) emitter.on(name, (payload: Record<string, unknown>) => events.push({ name, payload }));
});
after(async () => void (await app.close()));

async function until(check: () => boolean): Promise<void> {
  const deadline = Date.now() + 3_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`condition not met; events: ${JSON.stringify(events)}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('session lifecycle events', () => {
  it('emits connected, subscribed, unsubscribed and disconnected with the session and user', async () => {
    const c = await RawStomp.open(url);
    const connected = await c.connect({ login: 'eve' });
    const sessionId = connected.headers.get('session');
    c.send(f('SUBSCRIBE', { id: 's1', destination: '/topic/ev' }) + f('UNSUBSCRIBE', { id: 's1', receipt: 'u' }));
    await c.command('RECEIPT');
    c.send(f('DISCONNECT'));
    await c.closed;
    await until(() => events.some((e) => e.name === StompEvents.Disconnected && e.payload.sessionId === sessionId));
    const mine = events.filter((e) => e.payload.sessionId === sessionId);
    assert.deepEqual(mine.map((e) => e.name), [StompEvents.Connected, StompEvents.Subscribed, StompEvents.Unsubscribed, StompEvents.Disconnected]);
    assert.equal(mine[0]!.payload.user, 'eve');
    assert.equal(mine[1]!.payload.destination, '/topic/ev');
    assert.equal(mine[3]!.payload.reason, 'disconnect');
  });

  it('a dropped socket still ends with disconnected', async () => {
    const c = await RawStomp.open(url);
    const sessionId = (await c.connect()).headers.get('session');
    c.close();
    await until(() => events.some((e) => e.name === StompEvents.Disconnected && e.payload.sessionId === sessionId));
  });
});

describe('MessagingTemplate from server code', () => {
  it('convertAndSend reaches topic subscribers; convertAndSendToUser every session of that user only', async () => {
    const template = app.get(MessagingTemplate);
    const a1 = await RawStomp.open(url);
    await a1.connect({ login: 'amy' });
    const a2 = await RawStomp.open(url);
    await a2.connect({ login: 'amy' });
    const other = await RawStomp.open(url);
    await other.connect({ login: 'zed' });
    for (const c of [a1, a2, other]) {
      c.send(f('SUBSCRIBE', { id: 'n', destination: '/user/queue/notices' }) + f('SUBSCRIBE', { id: 't', destination: '/topic/news', receipt: 'ok' }));
      await c.command('RECEIPT');
    }
    template.convertAndSend('/topic/news', { headline: 'hello' });
    template.convertAndSendToUser('amy', '/queue/notices', 'for amy');
    for (const c of [a1, a2]) {
      const n = await c.next((x) => x.command === 'MESSAGE' && x.headers.get('subscription') === 'n');
      assert.equal(n.body.toString(), 'for amy');
      assert.equal(n.headers.get('destination'), '/user/queue/notices');
      assert.match(n.headers.get('content-type') ?? '', /^text\/plain/);
    }
    for (const c of [a1, a2, other]) {
      const t = await c.next((x) => x.command === 'MESSAGE' && x.headers.get('subscription') === 't');
      assert.deepEqual(JSON.parse(t.body.toString()), { headline: 'hello' });
    }
    // zed got the topic message (so its frames are flowing) and nothing on its own user queue.
    assert.equal(other.frames.filter((x) => x.headers.get('subscription') === 'n').length, 0);
    for (const c of [a1, a2, other]) c.close();
  });
});
