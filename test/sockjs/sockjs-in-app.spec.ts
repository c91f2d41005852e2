// SockJS mounted in the real app (Express in front, the upgrade router, SIGTERM), checked with raw HTTP.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import SockJS from 'sockjs-client';
import { startServer, type RunningServer } from '../support/server';
import { raw, sessionPath, stream } from './sockjs-test-server';

describe('SockJS inside the app, ALLOWED_ORIGINS=*', () => {
  let server: RunningServer;
  before(async () => {
    server = await startServer({ ALLOWED_ORIGINS: '*', MAX_FRAME_BYTES: '2048' });
  });
  after(async () => {
    if (server.process.exitCode === null) await server.stop();
  });

  it('info, iframe and the local sockjs-client are served ahead of the app routes', async () => {
    const info = JSON.parse((await raw(server.port, '/chat/info')).body) as { websocket: boolean };
    assert.equal(info.websocket, true);
    const iframe = await raw(server.port, '/chat/iframe.html');
    const src = /<script src="([^"]+)">/.exec(iframe.body)![1];
    assert.equal((await raw(server.port, src)).status, 200);
  });

  it('jsonp-polling and htmlfile work through Express (its own req.query included)', async () => {
    const path = sessionPath();
    assert.equal((await raw(server.port, `${path}/jsonp?c=_jp.x1`)).body, '/**/_jp.x1("o");\r\n');
    const bad = await raw(server.port, `${sessionPath()}/jsonp?c=a%3Cb`);
    assert.equal(bad.status, 500);
    assert.equal(bad.body, 'invalid "callback" parameter');
    const page = await stream(server.port, `${sessionPath()}/htmlfile?c=_jp.h1`);
    await page.until((b) => b.includes('p("o")'));
    assert.ok(page.body.includes('var c = parent._jp.h1;'));
    page.destroy();
  });

  it('an xhr_send body over MAX_FRAME_BYTES is 413 in the app too', async () => {
    const path = sessionPath();
    await raw(server.port, `${path}/xhr`, { method: 'POST' });
    const res = await raw(server.port, `${path}/xhr_send`, { method: 'POST', body: JSON.stringify(['x'.repeat(3000)]) });
    assert.equal(res.status, 413);
  });

  it('SIGTERM ends SockJS streams and websockets with a close frame and exits 0 within 10 s', async () => {
    const streaming = await stream(server.port, `${sessionPath()}/xhr_streaming`, { method: 'POST' });
    await streaming.until((b) => b.endsWith('o\n'));
    const client = new SockJS(`${server.url}/chat`, null, { transports: ['websocket'] }) as unknown as WebSocket;
    await new Promise<void>((resolve) => (client.onopen = () => resolve()));
    const clientClosed = new Promise<number>((resolve) => (client.onclose = (e) => resolve(e.code)));

    const started = Date.now();
    const code = await server.stop();
    assert.equal(code, 0);
    assert.ok(Date.now() - started < 10_000, `exited in ${Date.now() - started} ms`);
    // after the 2 KiB prelude and `o`: the session's STOMP ERROR, then the SockJS close frame
    const frames = (await streaming.end()).slice(2049);
    assert.match(frames, /^o\na\["ERROR\\nmessage:server shutting down[^\n]*\nc\[1001,"server shutting down"\]\n$/i);
    assert.equal(await clientClosed, 1001);
  });
});
