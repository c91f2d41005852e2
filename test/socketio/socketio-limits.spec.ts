// #15 item 2: the Socket.IO door keeps the limits and origins of every door: sessions per address
// (MAX_CONNECTIONS_PER_IP), foreign origins (403, CORS for admitted ones), MAX_FRAME_BYTES, the chat
// rate limit, a client that stops reading (SEND_BUFFER_BYTES); SIGTERM closes every client.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Agent, request as httpRequest } from 'node:http';
import WebSocket from 'ws';
import { request, type WireMessage } from '../http/http-client';
import { eventually, metric } from '../hardening/hardening-client';
import { startServer, type RunningServer } from '../support/server';
import { SIO_TRANSPORTS, SioClient } from './socketio-test-client';

const CAP = 30;
const FRIEND = 'http://friend.example';
const EVIL = 'http://evil.example';

let server: RunningServer;
before(async () => {
  server = await startServer(
    {
      ALLOWED_ORIGINS: FRIEND,
      MAX_CONNECTIONS_PER_IP: String(CAP),
      MAX_FRAME_BYTES: '8192',
      RATE_LIMIT_PER_SEC: '2',
      RATE_LIMIT_BURST: '3',
      SEND_BUFFER_BYTES: '8192',
    },
    120_000,
  );
});
after(async () => assert.equal(await server.stop(), 0));

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

/** An Engine.IO polling request over `agent` (a kept-alive connection, as a browser would reuse). */
function polling(agent: Agent, query: string, body?: string, headers: Record<string, string> = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      `${server.url}/socket.io/?EIO=4&transport=polling${query}`,
      { method: body === undefined ? 'GET' : 'POST', agent, headers: { ...headers, ...(body !== undefined && { 'content-type': 'text/plain' }) } },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** Opens an Engine.IO session by hand; returns its sid. */
async function handshake(agent: Agent, headers: Record<string, string> = {}): Promise<{ status: number; sid?: string; answer: Answer }> {
  const answer = await polling(agent, '', undefined, headers);
  if (answer.status !== 200) return { status: answer.status, answer };
  return { status: 200, sid: (JSON.parse(answer.text.slice(1)) as { sid: string }).sid, answer };
}

/** Ends a hand-made session with an Engine.IO close packet. */
async function closeSession(agent: Agent, sid: string): Promise<void> {
  await polling(agent, `&sid=${sid}`, '1');
}

function upgradeStatus(headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${server.wsUrl}/socket.io/?EIO=4&transport=websocket`, { headers });
    ws.once('open', () => {
      ws.close();
      resolve(101);
    });
    ws.once('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      ws.terminate();
    });
    ws.once('error', reject);
  });
}

describe('#15 Socket.IO door: limits and origins', { timeout: 300_000 }, () => {
  it(`#15 one address holds at most MAX_CONNECTIONS_PER_IP=${CAP} sessions, even over one kept-alive connection`, async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const sids: string[] = [];
    try {
      for (let i = 0; i < CAP; i++) {
        const opened = await handshake(agent);
        assert.equal(opened.status, 200, `session ${i + 1}`);
        sids.push(opened.sid!);
      }
      const refused = await handshake(agent);
      assert.equal(refused.status, 429);
      assert.equal((JSON.parse(refused.answer.text) as { error: string }).error, 'too-many-connections');
      assert.equal(await upgradeStatus({}), 429, 'a websocket handshake counts against the same cap');
      const client = await SioClient.refusal(server.url, { transport: 'polling' });
      assert.ok(client instanceof Error);
      // A session that ends gives its slot back.
      await closeSession(agent, sids.pop()!);
      await eventually(
        async () => {
          const again = await handshake(agent);
          if (again.status !== 200) return undefined;
          sids.push(again.sid!);
          return true;
        },
        30_000,
        'a slot',
      );
    } finally {
      for (const sid of sids) await closeSession(agent, sid).catch(() => undefined);
      agent.destroy();
    }
  });

  it('#15 a foreign origin is refused (403) on polling and websocket; an admitted one gets CORS; no Origin passes', async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const sids: string[] = [];
    try {
      const evil = await handshake(agent, { origin: EVIL });
      assert.equal(evil.status, 403);
      assert.equal((JSON.parse(evil.answer.text) as { error: string }).error, 'forbidden-origin');
      assert.equal(evil.answer.headers['access-control-allow-origin'], undefined);
      assert.equal(await upgradeStatus({ origin: EVIL }), 403);
      const friend = await handshake(agent, { origin: FRIEND });
      assert.equal(friend.status, 200);
      assert.equal(friend.answer.headers['access-control-allow-origin'], FRIEND);
      assert.equal(friend.answer.headers['access-control-allow-credentials'], 'true');
      sids.push(friend.sid!);
      const own = await handshake(agent, { origin: server.url });
      assert.equal(own.status, 200);
      sids.push(own.sid!);
      assert.equal(await upgradeStatus({ origin: FRIEND }), 101);
      // socket.io-client in Node can set Origin on its websocket only (its XMLHttpRequest forbids the header).
      const refused = await SioClient.refusal(server.url, { transport: 'websocket', extraHeaders: { origin: EVIL } });
      assert.match(refused.message, /websocket error/);
      const admitted = await SioClient.connect(server.url, { transport: 'websocket', extraHeaders: { origin: FRIEND } });
      admitted.close();
    } finally {
      for (const sid of sids) await closeSession(agent, sid).catch(() => undefined);
      agent.destroy();
    }
  });

  for (const transport of SIO_TRANSPORTS) {
    it(`#15 over ${transport}: a packet over MAX_FRAME_BYTES ends that connection and stores nothing; the server goes on`, async () => {
      const room = `oversize-${transport}`;
      const big = await SioClient.connect(server.url, { transport, auth: { login: 'big' } });
      const watcher = await SioClient.connect(server.url, { transport, auth: { login: 'watcher' } });
      try {
        assert.equal((await big.ack('message', { room, text: 'y'.repeat(5000) })).error, 'invalid-text', 'under the frame limit, over the text limit');
        big.socket.emit('message', { room, text: 'x'.repeat(9000) });
        const reason = await big.disconnected();
        assert.match(reason, /^transport (close|error)$/);
        const stored = (await request(`${server.url}/api/rooms/${room}/messages`)).json() as WireMessage[];
        assert.deepEqual(stored, []);
        await watcher.join(room);
        const fine = await watcher.post(room, 'still fine');
        await watcher.waitForMessage(fine.id);
      } finally {
        big.close();
        watcher.close();
      }
    });
  }

  it('#15 the chat rate limit (RATE_LIMIT_PER_SEC=2, burst 3) refuses the excess with rate-limited and counts it', async () => {
    const room = 'rate';
    const client = await SioClient.connect(server.url, { transport: 'websocket', auth: { login: 'fast' } });
    try {
      const before = await metric(server.url, 'chat_rate_limited_messages_total{door="socketio",protocol="socketio"}');
      const answers = await Promise.all(Array.from({ length: 10 }, (_, i) => client.ack('message', { room, text: `burst ${i}` })));
      const stored = answers.filter((a) => typeof a.id === 'number');
      const limited = answers.filter((a) => a.error === 'rate-limited');
      assert.ok(stored.length >= 3 && stored.length <= 4, `stored ${stored.length}`);
      assert.equal(stored.length + limited.length, 10);
      const after = await metric(server.url, 'chat_rate_limited_messages_total{door="socketio",protocol="socketio"}');
      assert.equal(after - before, limited.length);
      await sleep(1_500);
      assert.equal(typeof (await client.ack('message', { room, text: 'later' })).id, 'number', 'the bucket refills');
    } finally {
      client.close();
    }
  });

  it('#15 a polling client that stops polling is dropped once its unsent bytes pass SEND_BUFFER_BYTES', async () => {
    const room = 'slow';
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const writer = await SioClient.connect(server.url, { transport: 'websocket', auth: { login: 'writer' } });
    try {
      const before = await metric(server.url, 'chat_slow_consumer_disconnects_total{door="socketio",protocol="socketio"}');
      const { sid } = await handshake(agent);
      assert.equal((await polling(agent, `&sid=${sid}`, '40')).text, 'ok');
      assert.match((await polling(agent, `&sid=${sid}`)).text, /^40\{"sid"/);
      assert.equal((await polling(agent, `&sid=${sid}`, '420["join",{"room":"slow"}]')).text, 'ok');
      assert.match((await polling(agent, `&sid=${sid}`)).text, /430\[\{"ok":true\}\]/);
      // From here on the client never polls again: what the room sends piles up on the server.
      for (let i = 0; i < 3; i++) await writer.post(room, `${i} ${'z'.repeat(3900)}`);
      await eventually(
        async () => ((await metric(server.url, 'chat_slow_consumer_disconnects_total{door="socketio",protocol="socketio"}')) > before ? true : undefined),
        30_000,
        'the slow consumer dropped',
      );
      const late = await polling(agent, `&sid=${sid}`);
      assert.equal(late.status, 400, 'the session is gone, with what it had not read');
    } finally {
      writer.close();
      agent.destroy();
    }
  });

  it('#15 SIGTERM closes every Socket.IO client (websocket and polling) and the process exits 0', async () => {
    const ws = await SioClient.connect(server.url, { transport: 'websocket', auth: { login: 'ws-to-the-end' } });
    const poll = await SioClient.connect(server.url, { transport: 'polling', auth: { login: 'poll-to-the-end' } });
    await ws.join('closing');
    await poll.join('closing');
    const started = Date.now();
    assert.equal(await server.stop(), 0);
    assert.ok(Date.now() - started < 10_000, 'within 10 s');
    assert.match(await ws.disconnected(), /^transport (close|error)$/);
    assert.match(await poll.disconnected(), /^transport (close|error)$/);
  });
});
