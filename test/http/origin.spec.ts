import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { isOriginAllowed } from '../../libs/transports/src/http';
import { startHttpApp, type HttpTestApp } from './http-test-app';
import { request } from './http-client';
import { SseClient } from './sse-client';
import { WsClient } from './ws-client';

describe('origin policy', () => {
  it('accepts no Origin, our own, a listed one, or any with *; refuses the rest', () => {
    const none = new Set<string>();
    const listed = new Set(['https://good.example']);
    assert.equal(isOriginAllowed(undefined, 'chat.local:8080', none), true);
    assert.equal(isOriginAllowed('http://chat.local:8080', 'chat.local:8080', none), true);
    assert.equal(isOriginAllowed('http://CHAT.local:8080/', 'chat.local:8080', none), true);
    assert.equal(isOriginAllowed('http://chat.local:9090', 'chat.local:8080', none), false);
    assert.equal(isOriginAllowed('http://evil.example', 'chat.local:8080', none), false);
    assert.equal(isOriginAllowed('null', 'chat.local:8080', none), false);
    assert.equal(isOriginAllowed('https://good.example', 'chat.local:8080', listed), true);
    assert.equal(isOriginAllowed('http://good.example', 'chat.local:8080', listed), false);
    assert.equal(isOriginAllowed('http://evil.example', 'chat.local:8080', '*'), true);
  });
});

describe('foreign Origin → 403 on every door', () => {
  let t: HttpTestApp;
  before(async () => {
    t = await startHttpApp({ ALLOWED_ORIGINS: 'http://good.example' });
  });
  after(() => t.stop());

  const evil = { Origin: 'http://evil.example' };
  const doors = () =>
    [
      ['GET /api/rooms', `${t.url}/api/rooms`, 'GET'],
      ['GET messages', `${t.url}/api/rooms/o/messages`, 'GET'],
      ['POST messages', `${t.url}/api/rooms/o/messages`, 'POST'],
      ['long poll', `${t.url}/api/rooms/o/poll?timeout=0`, 'GET'],
      ['SSE', `${t.url}/sse/rooms/o`, 'GET'],
    ] as const;

  it('refuses REST, long polling and SSE, storing nothing', async () => {
    for (const [name, url, method] of doors()) {
      const res = await request(url, {
        method,
        headers: { ...evil, 'content-type': 'application/json' },
        ...(method === 'POST' && { body: '{"from":"e","text":"x"}' }),
      });
      assert.equal(res.status, 403, name);
      assert.equal((res.json() as { error: string }).error, 'forbidden-origin', name);
    }
    assert.deepEqual((await request(`${t.url}/api/rooms/o/messages`)).json(), []);
  });

  it('refuses the /ws/chat handshake', async () => {
    assert.equal(await WsClient.refusal(`${t.wsUrl}/ws/chat?room=o`, evil), 403);
  });

  it('accepts our own origin and a listed one on every door', async () => {
    for (const origin of [t.url, 'http://good.example']) {
      const res = await request(`${t.url}/api/rooms/o/messages`, { headers: { Origin: origin } });
      assert.equal(res.status, 200, origin);
      const sse = await SseClient.open(`${t.url}/sse/rooms/o`, { Origin: origin });
      assert.equal(sse.status, 200);
      sse.close();
      const ws = await WsClient.open(`${t.wsUrl}/ws/chat?room=o`, { Origin: origin });
      ws.close();
    }
  });
});
