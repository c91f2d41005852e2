import assert from 'node:assert/strict';
import { once } from 'node:events';
import { after, before, describe, it } from 'node:test';
import WebSocket from 'ws';
import { raw, sessionPath, startSockJs, stream, type SockJsTestServer } from './sockjs-test-server';

describe('SockJS Connection adapter: what is unsent, and bounding it', () => {
  let s: SockJsTestServer;
  before(async () => {
    s = await startSockJs({ disconnectDelayMs: 500, limits: { sendBufferBytes: 4096, sendTimeLimitMs: 10_000 } });
    s.endpoint.echo = false;
  });
  after(() => s.stop());

  it('bufferedBytes counts what waits for the next poll and drops to 0 once a poll takes it', async () => {
    const path = sessionPath();
    await raw(s.port, `${path}/xhr`, { method: 'POST' });
    const { connection } = s.endpoint.sessions.at(-1)!;
    assert.equal(connection.bufferedBytes, 0);
    connection.send(Buffer.from('héllo'), false);
    connection.send(Buffer.from('12345'), false);
    assert.equal(connection.bufferedBytes, Buffer.byteLength('héllo') + 5);
    const poll = await raw(s.port, `${path}/xhr`, { method: 'POST' });
    assert.equal(poll.body, 'a["héllo","12345"]\n');
    assert.equal(connection.bufferedBytes, 0);
    connection.send(Buffer.from('again'), false);
    assert.equal(connection.bufferedBytes, 5);
    connection.close();
  });

  it('text only: a frame whose bytes are not UTF-8 still arrives, decoded with replacement characters', async () => {
    const path = sessionPath();
    await raw(s.port, `${path}/xhr`, { method: 'POST' });
    const { connection } = s.endpoint.sessions.at(-1)!;
    connection.send(Buffer.from([0x61, 0xff, 0x62]), true);
    const poll = await raw(s.port, `${path}/xhr`, { method: 'POST' });
    // U+FFFD travels JSON-escaped, as sockjs escapes the \ufff0-\uffff range
    assert.equal(poll.body, 'a["a\\ufffdb"]\n');
    connection.close();
  });

  it('past SEND_BUFFER_BYTES queued for an absent poller: closed with 1013, backlog dropped, closed() once', async () => {
    const path = sessionPath();
    await raw(s.port, `${path}/xhr`, { method: 'POST' });
    const session = s.endpoint.sessions.at(-1)!;
    for (let i = 0; i < 5; i += 1) session.connection.send(Buffer.from('z'.repeat(1000)), false);
    const poll = await raw(s.port, `${path}/xhr`, { method: 'POST' });
    assert.equal(poll.body, 'c[1013,"Send buffer overflow"]\n');
    assert.equal(session.connection.bufferedBytes, 0);
    await session.whenClosed();
    assert.equal(session.closedCount, 1);
  });

  it('a streaming client takes every frame at once: nothing queues, no overflow', async () => {
    const path = sessionPath();
    const res = await stream(s.port, `${path}/xhr_streaming`, { method: 'POST' });
    await res.until((b) => b.endsWith('o\n'));
    const { connection } = s.endpoint.sessions.at(-1)!;
    for (let i = 0; i < 10; i += 1) connection.send(Buffer.from(String(i).repeat(1000)), false);
    await res.until((b) => b.endsWith(`a["${'9'.repeat(1000)}"]\n`));
    assert.ok(!res.body.includes('c['));
    res.destroy();
  });

  it('bytes queued longer than SEND_TIME_LIMIT_MS: closed with 1013 "Send time limit exceeded"', async () => {
    const quick = await startSockJs({ disconnectDelayMs: 500, limits: { sendBufferBytes: 4096, sendTimeLimitMs: 150 } });
    try {
      quick.endpoint.echo = false;
      const path = sessionPath();
      await raw(quick.port, `${path}/xhr`, { method: 'POST' });
      const session = quick.endpoint.sessions.at(-1)!;
      const dropped = new Promise<void>((resolve) => {
        const close = session.connection.close.bind(session.connection);
        session.connection.close = (code, reason) => {
          close(code, reason);
          resolve();
        };
      });
      const started = Date.now();
      session.connection.send(Buffer.from('waiting'), false);
      await dropped;
      assert.ok(Date.now() - started >= 140, 'not before the limit');
      assert.equal(session.connection.bufferedBytes, 0);
      const poll = await raw(quick.port, `${path}/xhr`, { method: 'POST' });
      assert.equal(poll.body, 'c[1013,"Send time limit exceeded"]\n');
    } finally {
      await quick.stop();
    }
  });

  it('a poll that arrives in time resets the clock', async () => {
    const quick = await startSockJs({ disconnectDelayMs: 500, limits: { sendBufferBytes: 4096, sendTimeLimitMs: 300 } });
    try {
      quick.endpoint.echo = false;
      const path = sessionPath();
      await raw(quick.port, `${path}/xhr`, { method: 'POST' });
      const { connection } = quick.endpoint.sessions.at(-1)!;
      connection.send(Buffer.from('one'), false);
      assert.equal((await raw(quick.port, `${path}/xhr`, { method: 'POST' })).body, 'a["one"]\n');
      connection.send(Buffer.from('two'), false);
      assert.equal((await raw(quick.port, `${path}/xhr`, { method: 'POST' })).body, 'a["two"]\n');
      connection.close(1000, 'done');
      assert.equal((await raw(quick.port, `${path}/xhr`, { method: 'POST' })).body, 'c[1000,"done"]\n');
    } finally {
      await quick.stop();
    }
  });

  it('an endpoint that throws in open() or receive() costs the session, not the process', async () => {
    const failing = await startSockJs({ disconnectDelayMs: 100 });
    try {
      const path = sessionPath();
      failing.endpoint.open = () => {
        throw new Error('no sessions today');
      };
      await raw(failing.port, `${path}/xhr`, { method: 'POST' });
      assert.equal((await raw(failing.port, `${path}/xhr`, { method: 'POST' })).body, 'c[1011,"Server error"]\n');
      assert.match(failing.errors.join('\n'), /refused a sockjs-xhr-polling session/);
      failing.endpoint.open = () => ({
        receive() {
          throw new Error('cannot take this');
        },
        closed() {},
      });
      const second = sessionPath();
      await raw(failing.port, `${second}/xhr`, { method: 'POST' });
      assert.equal((await raw(failing.port, `${second}/xhr_send`, { method: 'POST', body: '["x"]' })).status, 204);
      assert.equal((await raw(failing.port, `${second}/xhr`, { method: 'POST' })).body, 'c[1011,"Server error"]\n');
      assert.match(failing.errors.join('\n'), /failed on a sockjs-xhr-polling message/);
    } finally {
      await failing.stop();
    }
  });

  it('the sockjs internals this adapter reads still have the expected shape', async () => {
    const path = sessionPath();
    await raw(s.port, `${path}/xhr`, { method: 'POST' });
    const { connection } = s.endpoint.sessions.at(-1)!;
    const inner = (connection as unknown as { conn: { _session: { send_buffer: unknown; recv: unknown; session_id: unknown } } }).conn;
    assert.ok(Array.isArray(inner._session.send_buffer), 'Session.send_buffer is an array');
    assert.ok('recv' in inner._session, 'Session.recv exists');
    assert.match(String(inner._session.session_id), /^k[A-Za-z0-9_-]{16}$/, 'Session.session_id is the key the transport gave it');
    connection.close();

    const n = s.endpoint.sessions.length + 1;
    const ws = new WebSocket(`ws://127.0.0.1:${s.port}/chat/websocket`);
    await once(ws, 'open');
    const rawSession = await s.endpoint.session(n);
    const receiver = (rawSession.connection as unknown as { conn: { _session: { ws?: { _driver?: { close?: unknown } } } } }).conn._session;
    assert.equal(typeof receiver.ws?._driver?.close, 'function', 'the raw websocket session holds faye\'s driver');
    ws.close();
    await rawSession.whenClosed();
  });
});
