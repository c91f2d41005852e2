import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { raw, requestSeen, sessionPath, startSockJs, stream, type SockJsTestServer } from './sockjs-test-server';

const NO_CACHE = 'no-store, no-cache, no-transform, must-revalidate, max-age=0';

describe('SockJS HTTP transports: framing', () => {
  let s: SockJsTestServer;
  before(async () => {
    s = await startSockJs({ allowedOrigins: '*', heartbeatDelayMs: 200, responseLimitBytes: 4096 });
  });
  after(() => s.stop());

  it('xhr-polling: o, then the echo as a[...] on the next poll, one session across requests', async () => {
    const path = sessionPath();
    const open = await raw(s.port, `${path}/xhr`, { method: 'POST' });
    assert.equal(open.status, 200);
    assert.equal(open.body, 'o\n');
    assert.equal(open.headers['content-type'], 'application/javascript; charset=UTF-8');
    assert.equal(open.headers['cache-control'], NO_CACHE);
    const session = s.endpoint.sessions.at(-1)!;
    assert.equal(session.connection.transport, 'sockjs-xhr-polling');
    assert.equal(session.connection.remoteAddress, '127.0.0.1');

    const sent = await raw(s.port, `${path}/xhr_send`, { method: 'POST', body: '["SEND\\n\\nhi\\u0000","two"]' });
    assert.equal(sent.status, 204);
    assert.deepEqual(session.received, ['SEND\n\nhi\u0000', 'two']);

    const poll = await raw(s.port, `${path}/xhr`, { method: 'POST' });
    assert.equal(poll.body, 'a["SEND\\n\\nhi\\u0000","two"]\n');
    assert.equal(s.endpoint.sessions.filter((x) => x === session).length, 1);
  });

  it('xhr-polling: a second concurrent poll gets c[2010,"Another connection still open"]', async () => {
    const path = sessionPath();
    await raw(s.port, `${path}/xhr`, { method: 'POST' });
    const seen = requestSeen(s, `${path}/xhr`);
    const heldResponse = stream(s.port, `${path}/xhr`, { method: 'POST' });
    await seen;
    const second = await raw(s.port, `${path}/xhr`, { method: 'POST' });
    assert.equal(second.body, 'c[2010,"Another connection still open"]\n');
    // the held poll ends with a heart-beat
    assert.equal(await (await heldResponse).end(), 'h\n');
  });

  it('xhr-polling: a close from the server reaches the next poll as c[code,reason], then closed() once', async () => {
    const path = sessionPath();
    await raw(s.port, `${path}/xhr`, { method: 'POST' });
    const session = s.endpoint.sessions.at(-1)!;
    session.connection.close(3000, 'Go away!');
    const poll = await raw(s.port, `${path}/xhr`, { method: 'POST' });
    assert.equal(poll.body, 'c[3000,"Go away!"]\n');
    const again = await raw(s.port, `${path}/xhr`, { method: 'POST' });
    assert.equal(again.body, 'c[3000,"Go away!"]\n');
    await session.whenClosed();
    assert.equal(session.closedCount, 1);
  });

  it('xhr-streaming: 2 KiB prelude, o, messages and heart-beats on one response', async () => {
    const path = sessionPath();
    const res = await stream(s.port, `${path}/xhr_streaming`, { method: 'POST' });
    assert.equal(res.status, 200);
    assert.equal(res.response.headers['cache-control'], NO_CACHE);
    await res.until((b) => b.includes('o\n'));
    assert.equal(res.body, `${'h'.repeat(2048)}\no\n`);
    const session = s.endpoint.sessions.at(-1)!;
    assert.equal(session.connection.transport, 'sockjs-xhr-streaming');
    await raw(s.port, `${path}/xhr_send`, { method: 'POST', body: '["x"]' });
    await res.until((b) => b.endsWith('a["x"]\n'));
    await res.until((b) => b.endsWith('a["x"]\nh\n'));
    res.destroy();
  });

  it('xhr-streaming: the response ends past response_limit and the session continues on the next one', async () => {
    const path = sessionPath();
    const first = await stream(s.port, `${path}/xhr_streaming`, { method: 'POST' });
    await first.until((b) => b.endsWith('o\n'));
    const session = s.endpoint.sessions.at(-1)!;
    session.connection.send(Buffer.from('y'.repeat(5000)), false);
    const body = await first.end();
    assert.ok(body.endsWith(`a["${'y'.repeat(5000)}"]\n`));
    const second = await stream(s.port, `${path}/xhr_streaming`, { method: 'POST' });
    await second.until((b) => b.length > 2049);
    session.connection.send(Buffer.from('after'), false);
    await second.until((b) => b.endsWith('a["after"]\n'));
    assert.ok(!second.body.includes('o\n'), 'no second open frame');
    second.destroy();
  });

  it('eventsource: data: framing with CRLF', async () => {
    const path = sessionPath();
    const res = await stream(s.port, `${path}/eventsource`);
    assert.equal(res.response.headers['content-type'], 'text/event-stream');
    await res.until((b) => b.includes('data: o\r\n\r\n'));
    assert.equal(res.body, '\r\ndata: o\r\n\r\n');
    const session = s.endpoint.sessions.at(-1)!;
    assert.equal(session.connection.transport, 'sockjs-eventsource');
    session.connection.send(Buffer.from('line1\nline2'), false);
    await res.until((b) => b.endsWith('data: a["line1\\nline2"]\r\n\r\n'));
    res.destroy();
  });

  it('htmlfile: a padded page calling parent.<callback>, then script-wrapped frames', async () => {
    const path = sessionPath();
    const res = await stream(s.port, `${path}/htmlfile?c=_jp.abc`);
    assert.equal(res.response.headers['content-type'], 'text/html; charset=UTF-8');
    await res.until((b) => b.includes('p("o")'));
    const [page] = res.body.split('<script>\np("o");');
    assert.ok(page.includes('var c = parent._jp.abc;'));
    assert.ok(page.length >= 1024, 'padded past 1 KiB so that old browsers start rendering');
    const session = s.endpoint.sessions.at(-1)!;
    session.connection.send(Buffer.from('m'), false);
    await res.until((b) => b.endsWith('<script>\np("a[\\"m\\"]");\n</script>\r\n'));
    res.destroy();
  });

  it('jsonp-polling (ALLOWED_ORIGINS=*): callback-wrapped frames, jsonp_send form and text bodies', async () => {
    const path = sessionPath();
    const open = await raw(s.port, `${path}/jsonp?c=_jp.a1`);
    assert.equal(open.status, 200);
    assert.equal(open.body, '/**/_jp.a1("o");\r\n');
    assert.equal(open.headers['x-content-type-options'], 'nosniff');
    const session = s.endpoint.sessions.at(-1)!;
    const form = await raw(s.port, `${path}/jsonp_send`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: `d=${encodeURIComponent('["via form"]')}`,
    });
    assert.equal(form.status, 200);
    assert.equal(form.body, 'ok');
    const text = await raw(s.port, `${path}/jsonp_send`, { method: 'POST', body: '["via text"]' });
    assert.equal(text.body, 'ok');
    assert.deepEqual(session.received, ['via form', 'via text']);
    const poll = await raw(s.port, `${path}/jsonp?c=_jp.a2`);
    assert.equal(poll.body, '/**/_jp.a2("a[\\"via form\\",\\"via text\\"]");\r\n');
  });

  it('heart-beat: a poll with nothing to deliver ends with h after the heart-beat delay', async () => {
    const path = sessionPath();
    await raw(s.port, `${path}/xhr`, { method: 'POST' });
    const started = Date.now();
    const poll = await raw(s.port, `${path}/xhr`, { method: 'POST' });
    assert.equal(poll.body, 'h\n');
    assert.ok(Date.now() - started >= 150, 'not before the configured 200 ms');
  });

  it('a session nobody polls is closed after the disconnect delay and closed() is called once', async () => {
    const path = sessionPath();
    await raw(s.port, `${path}/xhr`, { method: 'POST' });
    const session = s.endpoint.sessions.at(-1)!;
    await session.whenClosed();
    assert.equal(session.closedCount, 1);
    const late = await raw(s.port, `${path}/xhr_send`, { method: 'POST', body: '["late"]' });
    assert.equal(late.status, 404);
  });
});
