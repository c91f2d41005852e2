import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { raw, sessionPath, startSockJs, type SockJsTestServer } from './sockjs-test-server';

const NO_CACHE = 'no-store, no-cache, no-transform, must-revalidate, max-age=0';

describe('SockJS endpoint pages: info, iframe, client script, cookies, CORS', () => {
  let s: SockJsTestServer;
  before(async () => {
    s = await startSockJs();
  });
  after(() => s.stop());

  it('GET /chat/info: websocket, cookie_needed, origins and a random entropy, never cached', async () => {
    const first = await raw(s.port, '/chat/info');
    const second = await raw(s.port, '/chat/info');
    assert.equal(first.status, 200);
    assert.match(String(first.headers['content-type']), /^application\/json/);
    assert.equal(first.headers['cache-control'], NO_CACHE);
    const info = JSON.parse(first.body) as Record<string, unknown>;
    assert.equal(info.websocket, true);
    assert.equal(info.cookie_needed, true);
    assert.deepEqual(info.origins, ['*:*']);
    assert.equal(typeof info.entropy, 'number');
    assert.notEqual(info.entropy, (JSON.parse(second.body) as Record<string, unknown>).entropy);
  });

  it('CORS: no Origin gets *, the own origin is echoed with credentials', async () => {
    const anonymous = await raw(s.port, '/chat/info');
    assert.equal(anonymous.headers['access-control-allow-origin'], '*');
    assert.equal(anonymous.headers['access-control-allow-credentials'], undefined);
    const own = `http://127.0.0.1:${s.port}`;
    const browser = await raw(s.port, '/chat/info', { headers: { Origin: own } });
    assert.equal(browser.status, 200);
    assert.equal(browser.headers['access-control-allow-origin'], own);
    assert.equal(browser.headers['access-control-allow-credentials'], 'true');
    assert.equal(browser.headers.vary, 'Origin');
  });

  it('OPTIONS preflight: 204 with allowed methods, requested headers and a max-age', async () => {
    const res = await raw(s.port, `${sessionPath()}/xhr_send`, {
      method: 'OPTIONS',
      headers: { Origin: `http://127.0.0.1:${s.port}`, 'Access-Control-Request-Headers': 'content-type' },
    });
    assert.equal(res.status, 204);
    assert.equal(res.headers['access-control-allow-methods'], 'OPTIONS, POST');
    assert.equal(res.headers['access-control-allow-headers'], 'content-type');
    assert.ok(Number(res.headers['access-control-max-age']) > 0);
  });

  it('JSESSIONID: a dummy cookie when there is none, the client\'s own echoed back, beside the owner cookie', async () => {
    const path = sessionPath();
    const fresh = await raw(s.port, `${path}/xhr`, { method: 'POST' });
    const cookies = fresh.headers['set-cookie'] ?? [];
    assert.equal(cookies.length, 2, cookies.join(' | '));
    assert.equal(cookies[1], 'JSESSIONID=dummy; path=/');
    assert.match(cookies[0], /^sockjs_owner=/);
    const sticky = await raw(s.port, `${path}/xhr_send`, {
      method: 'POST',
      headers: { Cookie: 'a=b; JSESSIONID=node-7' },
      body: '[]',
    });
    assert.deepEqual(sticky.headers['set-cookie'], ['JSESSIONID=node-7; path=/']);
  });

  it('cookieNeeded: false turns both the info flag and the JSESSIONID cookie off', async () => {
    const plain = await startSockJs({ cookieNeeded: false });
    try {
      const info = JSON.parse((await raw(plain.port, '/chat/info')).body) as Record<string, unknown>;
      assert.equal(info.cookie_needed, false);
      const res = await raw(plain.port, `${sessionPath()}/xhr`, { method: 'POST' });
      assert.deepEqual((res.headers['set-cookie'] ?? []).filter((c) => c.startsWith('JSESSIONID')), []);
    } finally {
      await plain.stop();
    }
  });

  it('iframe.html loads sockjs-client from this server, never a CDN, and is cacheable by ETag', async () => {
    for (const page of ['/chat/iframe.html', '/chat/iframe-1.6.1.html']) {
      const res = await raw(s.port, page);
      assert.equal(res.status, 200);
      assert.equal(res.headers['content-type'], 'text/html; charset=UTF-8');
      assert.match(res.body, /<script src="\/chat\/sockjs\.min\.js\?v=\d+\.\d+\.\d+"><\/script>/);
      assert.doesNotMatch(res.body, /https?:/);
      assert.match(String(res.headers['cache-control']), /public, max-age=\d+/);
      const again = await raw(s.port, page, { headers: { 'If-None-Match': String(res.headers.etag) } });
      assert.equal(again.status, 304);
      assert.equal(again.body, '');
    }
  });

  it('iframe.html may be framed only by the origins allowed to use the endpoint', async () => {
    const own = await raw(s.port, '/chat/iframe.html');
    assert.equal(own.headers['x-frame-options'], 'SAMEORIGIN');
    assert.equal(own.headers['content-security-policy'], "frame-ancestors 'self'");
    const listed = await startSockJs({ allowedOrigins: new Set(['https://a.example', 'https://b.example']) });
    const open = await startSockJs({ allowedOrigins: '*' });
    try {
      const res = await raw(listed.port, '/chat/iframe.html');
      assert.equal(res.headers['content-security-policy'], "frame-ancestors 'self' https://a.example https://b.example");
      assert.equal(res.headers['x-frame-options'], undefined);
      const any = await raw(open.port, '/chat/iframe-x.html');
      assert.equal(any.status, 200);
      assert.equal(any.headers['content-security-policy'], undefined);
      assert.equal(any.headers['x-frame-options'], undefined);
    } finally {
      await listed.stop();
      await open.stop();
    }
  });

  it('serves the installed sockjs-client at the URL the iframe names', async () => {
    const iframe = await raw(s.port, '/chat/iframe.html');
    const src = /<script src="([^"]+)">/.exec(iframe.body)![1];
    const res = await raw(s.port, src);
    assert.equal(res.status, 200);
    assert.equal(res.headers['content-type'], 'application/javascript; charset=UTF-8');
    assert.equal(res.body, readFileSync(require.resolve('sockjs-client/dist/sockjs.min.js'), 'utf8'));
    const cached = await raw(s.port, src, { headers: { 'If-None-Match': String(res.headers.etag) } });
    assert.equal(cached.status, 304);
  });

  it('/chat greets like SockJS; unknown paths under /chat are 404; other paths are not taken', async () => {
    const base = await raw(s.port, '/chat');
    assert.equal(base.body, 'Welcome to SockJS!\n');
    assert.equal((await raw(s.port, '/chat/')).body, 'Welcome to SockJS!\n');
    assert.equal((await raw(s.port, '/chat/nothing/here/at/all')).status, 404);
    const outside = await raw(s.port, '/chatroom/info');
    assert.equal(outside.body, 'not sockjs');
  });

  it('a wrong method on a transport URL is 405 with Allow', async () => {
    const res = await raw(s.port, `${sessionPath()}/xhr`);
    assert.equal(res.status, 405);
    assert.match(String(res.headers.allow), /POST/);
  });
});
