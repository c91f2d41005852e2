import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { raw, sessionPath, startSockJs, type SockJsTestServer } from './sockjs-test-server';

const FOREIGN = 'http://evil.example';

/** Writes raw bytes and returns everything the server answered until it closed. */
function rawSocket(port: number, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(text));
    let answer = '';
    socket.setEncoding('utf8');
    socket.on('data', (d: string) => (answer += d));
    socket.on('close', () => resolve(answer));
    socket.on('error', reject);
  });
}

async function openPolling(s: SockJsTestServer): Promise<string> {
  const path = sessionPath();
  assert.equal((await raw(s.port, `${path}/xhr`, { method: 'POST' })).body, 'o\n');
  return path;
}

describe('SockJS hostile input', () => {
  let s: SockJsTestServer;
  before(async () => {
    s = await startSockJs({ limits: { maxFrameBytes: 1024 } });
  });
  after(() => s.stop());

  it('xhr_send with broken JSON: 500 "Broken JSON encoding." as SockJS answers', async () => {
    const path = await openPolling(s);
    const res = await raw(s.port, `${path}/xhr_send`, { method: 'POST', body: '["unterminated' });
    assert.equal(res.status, 500);
    assert.equal(res.body, 'Broken JSON encoding.');
    const empty = await raw(s.port, `${path}/xhr_send`, { method: 'POST' });
    assert.equal(empty.status, 500);
    assert.equal(empty.body, 'Payload expected.');
  });

  it('xhr_send over MAX_FRAME_BYTES: 413 by Content-Length, before the body is read', async () => {
    const path = await openPolling(s);
    const session = s.endpoint.sessions.at(-1)!;
    const body = JSON.stringify(['x'.repeat(1100)]);
    const res = await raw(s.port, `${path}/xhr_send`, { method: 'POST', body });
    assert.equal(res.status, 413);
    assert.equal((JSON.parse(res.body) as { error: string }).error, 'payload-too-large');
    assert.deepEqual(session.received, []);
  });

  it('xhr_send over MAX_FRAME_BYTES without Content-Length (chunked): 413 while counting', async () => {
    const path = await openPolling(s);
    const session = s.endpoint.sessions.at(-1)!;
    const res = await raw(s.port, `${path}/xhr_send`, { method: 'POST', chunked: true, body: JSON.stringify(['y'.repeat(1100)]) });
    assert.equal(res.status, 413);
    const fits = await raw(s.port, `${path}/xhr_send`, { method: 'POST', chunked: true, body: JSON.stringify(['z'.repeat(900)]) });
    assert.equal(fits.status, 204);
    assert.deepEqual(session.received, ['z'.repeat(900)]);
  });

  it('maxSendBodyBytes raises the body limit for batched sends without raising the websocket one', async () => {
    const roomy = await startSockJs({ limits: { maxFrameBytes: 1024 }, maxSendBodyBytes: 4096 });
    try {
      const path = sessionPath();
      await raw(roomy.port, `${path}/xhr`, { method: 'POST' });
      const batch = JSON.stringify(['a'.repeat(900), 'b'.repeat(900)]);
      assert.equal((await raw(roomy.port, `${path}/xhr_send`, { method: 'POST', body: batch })).status, 204);
      assert.deepEqual(roomy.endpoint.sessions.at(-1)!.received, ['a'.repeat(900), 'b'.repeat(900)]);
      const tooMuch = JSON.stringify(['c'.repeat(4100)]);
      assert.equal((await raw(roomy.port, `${path}/xhr_send`, { method: 'POST', body: tooMuch })).status, 413);
    } finally {
      await roomy.stop();
    }
  });

  it('a message that is not a string closes the session with c[3000,"Broken framing."]', async () => {
    const path = await openPolling(s);
    const session = s.endpoint.sessions.at(-1)!;
    const res = await raw(s.port, `${path}/xhr_send`, { method: 'POST', body: '["ok",{"no":1}]' });
    assert.equal(res.status, 204);
    assert.deepEqual(session.received, ['ok']);
    const poll = await raw(s.port, `${path}/xhr`, { method: 'POST' });
    assert.equal(poll.body, 'c[3000,"Broken framing."]\n');
  });

  it('xhr_send to a session that does not exist: 404', async () => {
    const res = await raw(s.port, `${sessionPath()}/xhr_send`, { method: 'POST', body: '["x"]' });
    assert.equal(res.status, 404);
  });

  it('#10 htmlfile and jsonp without a usable callback: 500 with sockjs-protocol\'s text, no page written', async () => {
    const jsonp = await startSockJs({ allowedOrigins: '*' });
    try {
      for (const [server, transport] of [[s, 'htmlfile'], [jsonp, 'jsonp']] as const) {
        for (const query of ['', '?c=', '?callback=', '?d=x']) {
          const res = await raw(server.port, `${sessionPath()}/${transport}${query}`);
          assert.equal(res.status, 500, `${transport}${query}`);
          assert.equal(res.body, '"callback" parameter required', `${transport}${query}`);
        }
        for (const c of ['%3Cscript%3E', 'a%5Bb%5D', 'x%3Dalert(1)', 'a%3Cb', 'x'.repeat(33), 'a&c=b']) {
          const res = await raw(server.port, `${sessionPath()}/${transport}?c=${c}`);
          assert.equal(res.status, 500, `${transport} c=${c}`);
          assert.equal(res.body, 'invalid "callback" parameter', `${transport} c=${c}`);
          assert.doesNotMatch(res.body, /<script|\/\*\*\//);
        }
      }
      assert.equal(jsonp.endpoint.sessions.length, 0, 'no session was opened');
    } finally {
      await jsonp.stop();
    }
  });

  it('#10 a POST (or any method but GET) to a websocket URL: 405 Allow: GET, as plain HTTP and as an upgrade', async () => {
    for (const url of ['/chat/websocket', `${sessionPath()}/websocket`]) {
      for (const method of ['POST', 'PUT']) {
        const res = await raw(s.port, url, { method, body: '["x"]' });
        assert.equal(res.status, 405, `${method} ${url}`);
        assert.equal(res.headers.allow, 'GET');
        assert.equal(res.body, '');
      }
      const upgrade = await rawSocket(
        s.port,
        `POST ${url} HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
          'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\nContent-Length: 0\r\n\r\n',
      );
      assert.match(upgrade, /^HTTP\/1\.1 405 [^]*\r\nAllow: GET\r\n/, url);
    }
    assert.deepEqual(s.errors, []);
  });

  it('jsonp-polling is refused unless ALLOWED_ORIGINS=*: 403 on jsonp and jsonp_send', async () => {
    const path = sessionPath();
    const res = await raw(s.port, `${path}/jsonp?c=cb`);
    assert.equal(res.status, 403);
    assert.equal((JSON.parse(res.body) as { error: string }).error, 'transport-disabled');
    assert.equal((await raw(s.port, `${path}/jsonp_send`, { method: 'POST', body: '["x"]' })).status, 403);
  });

  it('a foreign Origin gets 403 on every SockJS URL, the own origin and listed ones do not', async () => {
    const path = await openPolling(s);
    const urls: Array<[string, string]> = [
      ['GET', '/chat/info'], ['OPTIONS', '/chat/info'], ['GET', '/chat/iframe.html'], ['GET', '/chat'],
      ['POST', `${path}/xhr`], ['POST', `${path}/xhr_send`], ['POST', `${sessionPath()}/xhr_streaming`],
      ['GET', `${sessionPath()}/eventsource`], ['GET', `${sessionPath()}/htmlfile?c=cb`], ['GET', '/chat/sockjs.min.js'],
    ];
    for (const [method, url] of urls) {
      const res = await raw(s.port, url, { method, headers: { Origin: FOREIGN }, body: method === 'POST' ? '["x"]' : undefined });
      assert.equal(res.status, 403, `${method} ${url}`);
    }
    for (const origin of ['null', 'not a url', `http://127.0.0.1:${s.port + 1}`]) {
      assert.equal((await raw(s.port, '/chat/info', { headers: { Origin: origin } })).status, 403, origin);
    }
    assert.deepEqual(s.endpoint.sessions.at(-1)!.received, []);
    const listed = await startSockJs({ allowedOrigins: new Set([FOREIGN]) });
    try {
      assert.equal((await raw(listed.port, '/chat/info', { headers: { Origin: FOREIGN } })).status, 200);
      const own = `http://127.0.0.1:${listed.port}`;
      assert.equal((await raw(listed.port, '/chat/info', { headers: { Origin: own } })).status, 200);
    } finally {
      await listed.stop();
    }
  });

  it('a foreign Origin on a websocket upgrade: 403 before any handshake', async () => {
    const answer = await rawSocket(
      s.port,
      'GET /chat/000/abc/websocket HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
        `Origin: ${FOREIGN}\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n`,
    );
    assert.match(answer, /^HTTP\/1\.1 403 /);
  });

  it('stray Upgrade headers on non-websocket URLs do not crash the server (CVE-2020-7693)', async () => {
    const path = await openPolling(s);
    // an upgrade request (Connection: Upgrade) to an xhr URL arrives as an 'upgrade' event
    const upgrade = await rawSocket(
      s.port,
      `POST ${path}/xhr HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nContent-Length: 0\r\n\r\n`,
    );
    assert.match(upgrade, /^HTTP\/1\.1 400 /);
    // Upgrade without Connection: Upgrade is a plain request: served as usual
    const plain = await raw(s.port, `${path}/xhr_send`, { method: 'POST', headers: { Upgrade: 'websocket' }, body: '["p"]' });
    assert.equal(plain.status, 204);
    // the websocket URL asked over plain HTTP, with and without the header
    for (const url of ['/chat/websocket', `${sessionPath()}/websocket`]) {
      const res = await raw(s.port, url, { headers: { Upgrade: 'websocket' } });
      assert.equal(res.status, 400, url);
      assert.match(res.body, /Can \\"Upgrade\\" only to \\"WebSocket\\"/);
    }
    // upgrades with the wrong protocol or version
    for (const head of ['Upgrade: h2c\r\nSec-WebSocket-Version: 13', 'Upgrade: websocket\r\nSec-WebSocket-Version: 76']) {
      const answer = await rawSocket(
        s.port,
        `GET /chat/websocket HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\n${head}\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n`,
      );
      assert.match(answer, /^HTTP\/1\.1 400 /, head);
    }
    // still serving
    assert.equal((await raw(s.port, '/chat/info')).status, 200);
    assert.deepEqual(s.errors, []);
  });

  it('an upgrade to /chat itself is not taken: it belongs to STOMP over plain WebSocket', async () => {
    const answer = await rawSocket(
      s.port,
      'GET /chat HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
        'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n',
    );
    // the router's answer for an upgrade nobody took
    assert.match(answer, /^HTTP\/1\.1 404 /);
    assert.equal(s.transport.handleUpgrade({ url: '/chat', headers: {} } as never, undefined as never, Buffer.alloc(0)), false);
  });
});
