// #10 item 9: the page at / sends a Content-Security-Policy that forbids framing by others, source maps
// are not served, /metrics needs METRICS_TOKEN when set; and CORS for admitted origins on REST, SSE and
// long polling (docs/http.md, Origins and CORS).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, type RunningServer } from '../support/server';
import { request } from './http-client';

const TOKEN = 'metrics-token-for-tests';
const LISTED = 'http://good.example';
let server: RunningServer;
before(async () => {
  server = await startServer({ METRICS_TOKEN: TOKEN, ALLOWED_ORIGINS: LISTED });
});
after(async () => assert.equal(await server.stop(), 0));

describe('#10 the page and what is served beside it', () => {
  it('/ has a Content-Security-Policy with frame-ancestors \'self\' and no inline script', async () => {
    const page = await request(`${server.url}/`);
    assert.equal(page.status, 200);
    const csp = String(page.headers['content-security-policy']);
    assert.match(csp, /frame-ancestors 'self'/);
    assert.match(csp, /script-src 'self'(;|$)/);
    assert.equal(page.headers['x-frame-options'], 'SAMEORIGIN');
  });

  it('serves no source maps, and the scripts name none', async () => {
    const main = await request(`${server.url}/main.js`);
    assert.equal(main.status, 200);
    assert.doesNotMatch(main.text, /sourceMappingURL/);
    for (const path of ['/main.js.map', '/sockjs.min.js.map', '/main.css.map']) assert.equal((await request(`${server.url}${path}`)).status, 404, path);
  });
});

describe('#10 METRICS_TOKEN', () => {
  it('refuses /metrics without the token or with a wrong one, serves it with the right one', async () => {
    const none = await request(`${server.url}/metrics`);
    assert.equal(none.status, 401);
    assert.equal((none.json() as { error: string }).error, 'unauthorized');
    assert.doesNotMatch(none.text, /chat_/);
    assert.equal((await request(`${server.url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}x` } })).status, 401);
    assert.equal((await request(`${server.url}/metrics`, { headers: { authorization: TOKEN } })).status, 401);
    const ok = await request(`${server.url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
    assert.equal(ok.status, 200);
    assert.match(ok.text, /chat_/);
  });
});

describe('CORS for admitted origins (docs/http.md)', () => {
  const doors = ['/api/rooms', '/api/rooms/c/messages', '/api/rooms/c/poll?timeout=0', '/sse/rooms/c'];

  it('answers a listed origin with its own origin and credentials on REST, long polling and SSE', async () => {
    for (const door of doors.filter((d) => !d.startsWith('/sse'))) {
      const res = await request(`${server.url}${door}`, { headers: { origin: LISTED } });
      assert.equal(res.status, 200, door);
      assert.equal(res.headers['access-control-allow-origin'], LISTED, door);
      assert.equal(res.headers['access-control-allow-credentials'], 'true', door);
    }
    const sse = await fetch(`${server.url}/sse/rooms/c`, { headers: { origin: LISTED } });
    assert.equal(sse.headers.get('access-control-allow-origin'), LISTED);
    assert.equal(sse.headers.get('access-control-allow-credentials'), 'true');
    await sse.body?.cancel();
  });

  it('answers a preflight with 204, the methods and the headers, on every door and spelling', async () => {
    for (const door of [...doors, '/API/ROOMS/c/MESSAGES']) {
      const res = await request(`${server.url}${door}`, {
        method: 'OPTIONS',
        headers: { origin: LISTED, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type, authorization' },
      });
      assert.equal(res.status, 204, door);
      assert.equal(res.headers['access-control-allow-origin'], LISTED, door);
      assert.match(String(res.headers['access-control-allow-methods']), /POST/, door);
      assert.match(String(res.headers['access-control-allow-headers']), /Content-Type/i, door);
      assert.match(String(res.headers['access-control-allow-headers']), /Authorization/i, door);
    }
  });

  it('gives a foreign origin no CORS headers: 403, preflight included', async () => {
    for (const method of ['GET', 'OPTIONS']) {
      const res = await request(`${server.url}/api/rooms/c/messages`, { method, headers: { origin: 'http://evil.example', 'access-control-request-method': 'POST' } });
      assert.equal(res.status, 403, method);
      assert.equal(res.headers['access-control-allow-origin'], undefined, method);
    }
  });
});
