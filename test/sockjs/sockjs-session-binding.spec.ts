// #10 items 6 and 9: a SockJS HTTP session belongs to whoever opened it (owner cookie, else client
// address, and the session's kind), and any string is a session id, Object.prototype's names included.
// 127.0.0.2 is another host to a server on 127.0.0.1 (Linux routes all of 127/8 to lo).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { raw, sessionPath, startSockJs, stream, type RawRequest, type RawResponse, type SockJsTestServer } from './sockjs-test-server';

const STRANGER = '127.0.0.2';

/** `raw()`, failing in `ms` instead of hanging the suite. */
function answer(s: SockJsTestServer, path: string, init: RawRequest = {}, ms = 3_000): Promise<RawResponse> {
  return Promise.race([
    raw(s.port, path, init),
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`${init.method ?? 'GET'} ${path}: no answer in ${ms} ms`)), ms)),
  ]);
}

/** The owner cookie of a response, as a browser would send it back (`name=value`). */
function ownerCookie(res: RawResponse): string {
  const set = (res.headers['set-cookie'] ?? []).find((c) => c.startsWith('sockjs_owner='));
  assert.ok(set, `no owner cookie in ${JSON.stringify(res.headers['set-cookie'])}`);
  return set.split(';')[0];
}

describe('#10 a SockJS session answers only to whoever opened it', () => {
  let s: SockJsTestServer;
  before(async () => {
    s = await startSockJs({ heartbeatDelayMs: 300, disconnectDelayMs: 1_000 });
  });
  after(() => s.stop());

  it('xhr-polling: a stranger who knows the id can neither xhr_send into the session nor poll its frames', async () => {
    const path = sessionPath();
    assert.equal((await answer(s, `${path}/xhr`, { method: 'POST' })).body, 'o\n');
    const session = s.endpoint.sessions.at(-1)!;
    s.endpoint.echo = false;
    try {
      const sent = await answer(s, `${path}/xhr_send`, { method: 'POST', body: '["SEND\\ndestination:/app/x\\n\\nforged\\u0000"]', from: STRANGER });
      assert.equal(sent.status, 404);
      assert.equal(sent.body, '');
      assert.deepEqual(session.received, [], 'the forged frame reached nobody');

      session.connection.send(Buffer.from('MESSAGE\n\nfor the owner only\u0000'), false);
      for (const transport of ['xhr', 'xhr_streaming']) {
        assert.equal((await answer(s, `${path}/${transport}`, { method: 'POST', from: STRANGER })).status, 404, transport);
      }
      for (const transport of ['eventsource', 'htmlfile?c=cb']) {
        assert.equal((await answer(s, `${path}/${transport}`, { from: STRANGER })).status, 404, transport);
      }
      const poll = await answer(s, `${path}/xhr`, { method: 'POST' });
      assert.equal(poll.body, 'a["MESSAGE\\n\\nfor the owner only\\u0000"]\n', 'the owner still gets its frame');
      assert.equal((await answer(s, `${path}/xhr_send`, { method: 'POST', body: '["mine"]' })).status, 204);
      assert.deepEqual(session.received, ['mine']);
    } finally {
      s.endpoint.echo = true;
    }
    session.connection.close();
  });

  it('xhr-streaming: a stranger can neither send into the open stream nor take it over', async () => {
    const path = sessionPath();
    const owner = await stream(s.port, `${path}/xhr_streaming`, { method: 'POST' });
    await owner.until((b) => b.endsWith('o\n'));
    const session = s.endpoint.sessions.at(-1)!;
    assert.equal((await answer(s, `${path}/xhr_send`, { method: 'POST', body: '["forged"]', from: STRANGER })).status, 404);
    assert.equal((await answer(s, `${path}/xhr_streaming`, { method: 'POST', from: STRANGER })).status, 404);
    assert.equal((await answer(s, `${path}/eventsource`, { from: STRANGER })).status, 404);
    assert.deepEqual(session.received, []);
    assert.equal((await answer(s, `${path}/xhr_send`, { method: 'POST', body: '["mine"]' })).status, 204);
    await owner.until((b) => b.endsWith('a["mine"]\n'));
    assert.ok(!owner.body.includes('forged'));
    owner.destroy();
    session.connection.close();
  });

  it('with cookies: the opener gets an unguessable HttpOnly, SameSite cookie for its session\'s URLs only', async () => {
    const a = sessionPath();
    const b = sessionPath();
    const first = await answer(s, `${a}/xhr`, { method: 'POST' });
    const second = await answer(s, `${b}/xhr`, { method: 'POST' });
    const set = (first.headers['set-cookie'] ?? []).find((c) => c.startsWith('sockjs_owner='))!;
    assert.match(set, new RegExp(`^sockjs_owner=[A-Za-z0-9_-]{24}; Path=${a}; HttpOnly; SameSite=Strict$`));
    assert.notEqual(ownerCookie(first), ownerCookie(second), 'each session its own token');
    for (const session of s.endpoint.sessions.slice(-2)) session.connection.close();
  });

  it('with cookies: once the owner has shown its cookie, nobody without it gets in, even from the same address', async () => {
    const path = sessionPath();
    const opened = await answer(s, `${path}/xhr`, { method: 'POST' });
    const cookie = ownerCookie(opened);
    const session = s.endpoint.sessions.at(-1)!;
    // A different owner cookie is someone else, from the first request on.
    const wrong = { Cookie: 'sockjs_owner=AAAAAAAAAAAAAAAAAAAAAAAA' };
    assert.equal((await answer(s, `${path}/xhr_send`, { method: 'POST', headers: wrong, body: '["forged"]' })).status, 404);
    assert.equal((await answer(s, `${path}/xhr_send`, { method: 'POST', headers: { Cookie: `a=1; ${cookie}` }, body: '["one"]' })).status, 204);
    // Same address, no cookie, after the owner showed it keeps cookies: refused.
    assert.equal((await answer(s, `${path}/xhr_send`, { method: 'POST', body: '["forged"]' })).status, 404);
    assert.equal((await answer(s, `${path}/xhr`, { method: 'POST' })).status, 404);
    assert.equal((await answer(s, `${path}/xhr`, { method: 'POST', headers: wrong })).status, 404);
    // The owner, from anywhere (a phone changing networks), with its cookie.
    const poll = await answer(s, `${path}/xhr`, { method: 'POST', headers: { Cookie: cookie }, from: STRANGER });
    assert.equal(poll.body, 'a["one"]\n');
    assert.deepEqual(session.received, ['one']);
    session.connection.close();
  });

  it('a receiving request must be of the session\'s kind (polling or streaming), as Spring checks', async () => {
    const polling = sessionPath();
    await answer(s, `${polling}/xhr`, { method: 'POST' });
    assert.equal((await answer(s, `${polling}/xhr_streaming`, { method: 'POST' })).status, 404);
    assert.equal((await answer(s, `${polling}/eventsource`)).status, 404);
    const streaming = sessionPath();
    const open = await stream(s.port, `${streaming}/eventsource`);
    await open.until((b) => b.includes('data: o'));
    assert.equal((await answer(s, `${streaming}/xhr`, { method: 'POST' })).status, 404);
    open.destroy();
    for (const session of s.endpoint.sessions.slice(-2)) session.connection.close();
  });

  it('once a session has ended its id is free: whoever asks next opens a new session', async () => {
    const path = sessionPath();
    await answer(s, `${path}/xhr`, { method: 'POST' });
    const ended = s.endpoint.sessions.at(-1)!;
    ended.connection.close(3000, 'Go away!');
    assert.equal((await answer(s, `${path}/xhr`, { method: 'POST' })).body, 'c[3000,"Go away!"]\n');
    await ended.whenClosed();
    const fresh = await answer(s, `${path}/xhr`, { method: 'POST', from: STRANGER });
    assert.equal(fresh.body, 'o\n');
    const next = await s.endpoint.session(s.endpoint.sessions.indexOf(ended) + 2);
    assert.notEqual(next, ended);
    next.connection.close();
  });
});

describe('#10 session ids named like Object.prototype members are ids like any other', () => {
  const NAMES = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf', '__defineGetter__'];
  let s: SockJsTestServer;
  before(async () => {
    // jsonp-polling is served only with ALLOWED_ORIGINS=*.
    s = await startSockJs({ allowedOrigins: '*', disconnectDelayMs: 200 });
  });
  after(() => s.stop());

  /** Ends the session `id` names so the next transport opens it afresh. */
  async function end(): Promise<void> {
    const session = s.endpoint.sessions.at(-1)!;
    session.connection.close();
    await session.whenClosed();
  }

  for (const id of NAMES) {
    it(`${id}: xhr_send before it exists is 404; xhr, jsonp and eventsource open it; sends reach it`, async () => {
      assert.equal((await answer(s, `/chat/000/${id}/xhr_send`, { method: 'POST', body: '["x"]' })).status, 404);
      assert.equal((await answer(s, `/chat/000/${id}/jsonp_send`, { method: 'POST', body: 'd=%5B%22x%22%5D', headers: { 'content-type': 'application/x-www-form-urlencoded' } })).status, 404);

      assert.equal((await answer(s, `/chat/000/${id}/xhr`, { method: 'POST' })).body, 'o\n');
      assert.equal((await answer(s, `/chat/000/${id}/xhr_send`, { method: 'POST', body: '["via xhr"]' })).status, 204);
      assert.equal((await answer(s, `/chat/000/${id}/xhr`, { method: 'POST' })).body, 'a["via xhr"]\n');
      await end();

      assert.equal((await answer(s, `/chat/001/${id}/jsonp?c=cb`)).body, '/**/cb("o");\r\n');
      const form = { method: 'POST', body: 'd=%5B%22via%20jsonp%22%5D', headers: { 'content-type': 'application/x-www-form-urlencoded' } };
      assert.equal((await answer(s, `/chat/001/${id}/jsonp_send`, form)).body, 'ok');
      assert.equal((await answer(s, `/chat/001/${id}/jsonp?c=cb`)).body, '/**/cb("a[\\"via jsonp\\"]");\r\n');
      await end();

      const events = await stream(s.port, `/chat/002/${id}/eventsource`);
      await Promise.race([events.until((b) => b.includes('data: o\r\n')), new Promise((_, reject) => setTimeout(() => reject(new Error('no o frame')), 3_000))]);
      assert.equal((await answer(s, `/chat/002/${id}/xhr_send`, { method: 'POST', body: '["via eventsource"]' })).status, 204);
      await events.until((b) => b.includes('data: a["via eventsource"]\r\n'));
      events.destroy();
      await end();
      assert.deepEqual(s.errors, []);
    });
  }
});
