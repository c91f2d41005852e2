// #15 item 5: logs for operators. LOG_FORMAT=json is one JSON object per line with level, time, msg,
// context and, on every line about a connection, sessionId, user, door and remoteAddress; connects,
// disconnects with their reason, refusals and protocol errors are logged; HTTP has an access log;
// LOG_LEVEL=debug shows frames in and out, credentials masked and bodies cut short.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import WebSocket from 'ws';
import { RawStomp, frameText as f } from '../support/raw-stomp';
import { startServer, type RunningServer } from '../support/server';
import { signToken } from '../support/tokens';

const SECRET = 'operator-logs-secret-0123456789abcdef';
type Line = Record<string, unknown>;

let server: RunningServer;
before(async () => {
  server = await startServer({ LOG_FORMAT: 'json', LOG_LEVEL: 'debug', AUTH_TOKEN_SECRET: SECRET, ALLOWED_ORIGINS: 'https://good.example' });
});
after(() => server.stop());

function lines(): Line[] {
  return server.output().split('\n').filter((l) => l.trim() !== '').map((l, i) => {
    try {
      return JSON.parse(l) as Line;
    } catch {
      throw new Error(`line ${i + 1} is not JSON: ${l}`);
    }
  });
}

async function waitFor(match: (l: Line) => boolean, what: string, timeoutMs = 5_000): Promise<Line> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = lines().find(match);
    if (found) return found;
    if (Date.now() > deadline) throw new Error(`no log line ${what}:\n${server.output().slice(-3000)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('#15 operator logs (LOG_FORMAT=json, LOG_LEVEL=debug)', () => {
  it('every line of output is one JSON object with level, time, msg and context', async () => {
    await fetch(`${server.url}/health`);
    const all = lines();
    assert.ok(all.length > 5);
    for (const l of all) {
      assert.equal(typeof l.level, 'string');
      assert.ok(!Number.isNaN(Date.parse(String(l.time))), `time of ${JSON.stringify(l)}`);
      assert.equal(typeof l.msg, 'string');
      assert.equal(typeof l.context, 'string');
    }
  });

  it('a STOMP session: connect, frames in and out (passcode masked, body cut), and its end with the reason', async () => {
    const token = signToken('alice', SECRET);
    const c = await RawStomp.open(`${server.wsUrl}/chat`);
    const connected = await c.connect({ passcode: token });
    const sessionId = connected.headers.get('session')!;
    c.send(f('SEND', { destination: '/topic/logs', receipt: 'r1' }, 'y'.repeat(5000)));
    await c.next((x) => x.command === 'RECEIPT');
    c.send(f('DISCONNECT', { receipt: 'bye' }));
    await c.closed;

    const mine = (l: Line) => l.sessionId === sessionId;
    const up = await waitFor((l) => mine(l) && l.msg === 'session connected', 'for the connect');
    assert.equal(up.level, 'log');
    assert.equal(up.user, 'alice');
    assert.equal(up.door, 'websocket');
    assert.equal(up.remoteAddress, '127.0.0.1');
    const down = await waitFor((l) => mine(l) && l.msg === 'session ended', 'for the end');
    assert.equal(down.reason, 'disconnect');
    assert.equal(down.user, 'alice');

    const connectIn = await waitFor((l) => mine(l) && l.msg === '>>> CONNECT', 'for the CONNECT frame');
    assert.equal(connectIn.level, 'debug');
    assert.equal((connectIn.headers as Record<string, string>).passcode, '***');
    assert.ok(!server.output().includes(token), 'the token never reaches the log');
    const sendIn = await waitFor((l) => mine(l) && l.msg === '>>> SEND', 'for the SEND frame');
    assert.ok(String(sendIn.body).length < 300, 'a 5000-byte body is cut short');
    assert.match(String(sendIn.body), /5000 bytes/);
    await waitFor((l) => mine(l) && l.msg === '<<< RECEIPT', 'for the RECEIPT frame');
  });

  it('a protocol error and a refused CONNECT are warnings that name the session and the door', async () => {
    const bad = await RawStomp.open(`${server.wsUrl}/chat`);
    bad.send('NOT-A-COMMAND\n\n\0');
    await bad.closed;
    const fault = await waitFor((l) => l.level === 'warn' && String(l.msg).startsWith('session refused or failed') && l.door === 'websocket', 'for the protocol error');
    assert.equal(typeof fault.sessionId, 'string');
    assert.equal(fault.remoteAddress, '127.0.0.1');

    const refused = await RawStomp.open(`${server.wsUrl}/chat`);
    refused.send(f('CONNECT', { 'accept-version': '1.2', host: 'x', passcode: 'not-a-token' }));
    await refused.closed;
    await waitFor((l) => l.level === 'warn' && l.reason !== undefined && /auth|token|credential/i.test(String(l.msg)), 'for the refused CONNECT');
  });

  it('an upgrade from a foreign origin is refused and logged with its address', async () => {
    await new Promise<void>((resolve) => {
      const ws = new WebSocket(`${server.wsUrl}/chat`, ['v12.stomp'], { headers: { origin: 'https://evil.example' } });
      ws.on('error', () => resolve());
      ws.on('unexpected-response', () => resolve());
    });
    const line = await waitFor((l) => l.msg === 'upgrade refused: 403 Forbidden', 'for the refused upgrade');
    assert.equal(line.level, 'warn');
    assert.equal(line.remoteAddress, '127.0.0.1');
  });

  it('HTTP has an access log: method, path without the query, status, time, address; refusals are warnings', async () => {
    const token = signToken('bob', SECRET);
    const got = await fetch(`${server.url}/api/rooms/logs/messages?limit=5&note=secret-in-query`, { headers: { authorization: `Bearer ${token}` } });
    assert.equal(got.status, 200);
    const post = await fetch(`${server.url}/api/rooms/logs/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"text":"hi"}' });
    assert.equal(post.status, 401);
    const read = await waitFor((l) => l.context === 'HTTP' && l.msg === 'GET /api/rooms/logs/messages 200', 'for the GET');
    assert.equal(read.remoteAddress, '127.0.0.1');
    assert.equal(typeof read.ms, 'number');
    assert.ok(!server.output().includes('secret-in-query'), 'query strings stay out of the log');
    const refused = await waitFor((l) => l.context === 'HTTP' && l.msg === 'POST /api/rooms/logs/messages 401', 'for the refused POST');
    assert.equal(refused.level, 'warn');
  });
});

describe('behind a trusted proxy (TRUST_PROXY=loopback)', () => {
  let proxied: RunningServer;
  before(async () => {
    proxied = await startServer({ LOG_FORMAT: 'json', TRUST_PROXY: 'loopback' });
  });
  after(() => proxied.stop());

  it('a STOMP session over /chat is logged with the client the proxy forwarded, as HTTP requests and SockJS are', async () => {
    const c = await RawStomp.open(`${proxied.wsUrl}/chat`, ['v12.stomp'], { 'x-forwarded-for': '203.0.113.7' });
    const sessionId = (await c.connect({ login: 'carol' })).headers.get('session')!;
    c.close();
    const deadline = Date.now() + 5_000;
    let up: Line | undefined;
    while (!up && Date.now() < deadline) {
      up = proxied.output().split('\n').filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as Line).find((l) => l.sessionId === sessionId && l.msg === 'session connected');
      if (!up) await new Promise((r) => setTimeout(r, 50));
    }
    assert.ok(up, 'the connect is logged');
    assert.equal(up.remoteAddress, '203.0.113.7');
  });
});
