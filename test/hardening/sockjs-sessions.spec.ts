// #10 items 6 and 8 against the real server: a SockJS session answers only to whoever opened it, and
// SockJS sessions, SSE streams and held polls count toward MAX_CONNECTIONS_PER_IP like sockets do,
// by the client's address (TRUST_PROXY-aware). 127.x.y.z source addresses are distinct hosts to the server.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Agent, request, type IncomingMessage } from 'node:http';
import { startServer, type RunningServer } from '../support/server';
import { eventually, handshake, http, type Answer } from './hardening-client';

let ids = 0;
const sessionPath = (tag: string) => `/chat/${String(++ids % 1000).padStart(3, '0')}/${tag}${process.pid}x${Date.now().toString(36)}n${ids}`;

/** A request whose response is kept open (an SSE stream, a held poll, a SockJS stream) until `close()`. */
interface Held {
  status: number;
  res: IncomingMessage;
  body(): string;
  /** Resolves when the response has ended. */
  ended: Promise<void>;
  close(): void;
}

function hold(url: string, options: { method?: string; headers?: Record<string, string>; from?: string; agent?: Agent } = {}): Promise<Held> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: options.method ?? 'GET', headers: options.headers, localAddress: options.from, agent: options.agent ?? false }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('error', () => undefined);
      const ended = new Promise<void>((done) => res.once('end', done).once('close', done));
      resolve({ status: res.statusCode ?? 0, res, body: () => text, ended, close: () => req.destroy() });
    });
    req.on('error', reject);
    req.end();
  });
}

/**
 * The status of a request whose success would be a stream: a refusal is read to its end, a stream is
 * closed at once (so a door that wrongly admits does not hang the test).
 */
async function statusOf(url: string, options: Parameters<typeof hold>[1] = {}): Promise<Answer> {
  const held = await hold(url, options);
  if (held.status === 200) held.close();
  else await held.ended;
  return { status: held.status, headers: held.res.headers, text: held.body() };
}

/** Waits until a held response's body satisfies `test`. */
async function until(held: Held, test: (body: string) => boolean, what: string): Promise<string> {
  return eventually(async () => (test(held.body()) ? held.body() : undefined), 5_000, what);
}

describe('#10 the real server binds a SockJS session to its opener (STOMP over xhr-polling and xhr-streaming)', () => {
  let server: RunningServer;
  before(async () => {
    server = await startServer({ RATE_LIMIT_PER_SEC: '0' });
  });
  after(async () => assert.equal(await server.stop(), 0));

  const VICTIM = '127.0.1.1';
  const STRANGER = '127.0.1.2';
  const CONNECT = JSON.stringify(['CONNECT\naccept-version:1.2\nhost:x\nlogin:alice\nheart-beat:0,0\n\n\0']);
  const FORGED = JSON.stringify(['SEND\ndestination:/app/rooms/victim-room/messages\ncontent-type:application/json\n\n{"text":"forged"}\0']);

  it('xhr-polling: a stranger with the session id cannot xhr_send frames as alice, nor poll her frames', async () => {
    const path = sessionPath('poll');
    assert.equal((await http(`${server.url}${path}/xhr`, { method: 'POST', from: VICTIM })).text, 'o\n');
    assert.equal((await http(`${server.url}${path}/xhr_send`, { method: 'POST', body: CONNECT, from: VICTIM })).status, 204);
    const stolen = await http(`${server.url}${path}/xhr`, { method: 'POST', from: STRANGER });
    assert.equal(stolen.status, 404);
    assert.equal(stolen.text, '');
    const forged = await http(`${server.url}${path}/xhr_send`, { method: 'POST', body: FORGED, from: STRANGER });
    assert.equal(forged.status, 404);
    const mine = await http(`${server.url}${path}/xhr`, { method: 'POST', from: VICTIM });
    assert.match(mine.text, /^a\["CONNECTED\\nversion:1\.2\\n/, 'alice still gets her CONNECTED');
    const stored = JSON.parse((await http(`${server.url}/api/rooms/victim-room/messages`)).text) as unknown[];
    assert.deepEqual(stored, [], 'nothing was posted in her name');
  });

  it('xhr-streaming: a stranger cannot send into her stream nor open a second one on it', async () => {
    const path = sessionPath('stream');
    const stream = await hold(`${server.url}${path}/xhr_streaming`, { method: 'POST', from: VICTIM });
    await until(stream, (b) => b.endsWith('o\n'), 'the open frame');
    assert.equal((await http(`${server.url}${path}/xhr_send`, { method: 'POST', body: CONNECT, from: VICTIM })).status, 204);
    await until(stream, (b) => b.includes('a["CONNECTED'), 'CONNECTED on the stream');
    assert.equal((await http(`${server.url}${path}/xhr_send`, { method: 'POST', body: FORGED, from: STRANGER })).status, 404);
    const second = await hold(`${server.url}${path}/xhr_streaming`, { method: 'POST', from: STRANGER });
    assert.equal(second.status, 404);
    second.close();
    stream.close();
    const stored = JSON.parse((await http(`${server.url}/api/rooms/victim-room/messages`)).text) as unknown[];
    assert.deepEqual(stored, []);
  });
});

describe('#10 SockJS sessions count toward MAX_CONNECTIONS_PER_IP, not only sockets', () => {
  let server: RunningServer;
  before(async () => {
    server = await startServer({ MAX_CONNECTIONS_PER_IP: '4' });
  });
  after(async () => assert.equal(await server.stop(), 0));

  /** Opens xhr-polling sessions one after another over `agent` until `tries` have been asked for. */
  async function openSessions(agent: Agent, tries: number): Promise<Answer[]> {
    const answers: Answer[] = [];
    for (let i = 0; i < tries; i++) answers.push(await http(`${server.url}${sessionPath('cap')}/xhr`, { method: 'POST', agent }));
    return answers;
  }

  it('xhr-polling sessions over two keep-alive sockets: the cap, then 429; each ended session frees its slot', async () => {
    const from = '127.0.2.1';
    const agent = new Agent({ keepAlive: true, maxSockets: 2, localAddress: from });
    try {
      const first = await openSessions(agent, 8);
      assert.deepEqual(first.map((a) => a.status), [200, 200, 200, 200, 429, 429, 429, 429]);
      assert.equal(JSON.parse(first[4]!.text).error, 'too-many-connections');
      // The same address cannot get around it by another door, other addresses are not affected.
      assert.equal((await statusOf(`${server.url}/sse/rooms/r`, { agent })).status, 429);
      assert.equal((await http(`${server.url}/api/rooms/r/poll?timeout=1`, { agent })).status, 429);
      assert.equal((await handshake(`${server.wsUrl}/chat`, { protocols: ['v12.stomp'], from })).status, 429);
      assert.equal((await http(`${server.url}${sessionPath('other')}/xhr`, { method: 'POST', from: '127.0.2.2' })).text, 'o\n');
      // Nobody polls those sessions: SockJS ends them after its disconnect delay (5 s), and with them their
      // slots, all of them: the cap is whole again.
      await eventually(async () => ((await http(`${server.url}${sessionPath('again')}/xhr`, { method: 'POST', agent })).status === 200 ? true : undefined), 15_000, 'a slot to come back');
      // The four were opened within moments of each other; let the last of them end too.
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      const again = await openSessions(agent, 5);
      assert.deepEqual(again.map((a) => a.status), [200, 200, 200, 429, 429]);
    } finally {
      agent.destroy();
    }
  });
});

describe('#10 behind a trusted proxy: the client it names is capped on every door that holds something open', () => {
  let server: RunningServer;
  before(async () => {
    server = await startServer({ MAX_CONNECTIONS_PER_IP: '3', TRUST_PROXY: 'loopback' });
  });
  after(async () => assert.equal(await server.stop(), 0));

  const via = (client: string) => ({ 'x-forwarded-for': client });

  it('SSE streams, held polls, SockJS sessions and upgrades share one cap per forwarded client', async () => {
    const client = via('198.51.100.7');
    const streams = await Promise.all([0, 1, 2].map(() => hold(`${server.url}/sse/rooms/capped`, { headers: client })));
    assert.deepEqual(streams.map((s) => s.status), [200, 200, 200], 'the proxy\'s own sockets are not counted');
    const fourth = await statusOf(`${server.url}/sse/rooms/capped`, { headers: client });
    assert.equal(fourth.status, 429);
    assert.equal(JSON.parse(fourth.text).error, 'too-many-connections');
    assert.equal((await http(`${server.url}/api/rooms/capped/poll?timeout=1`, { headers: client })).status, 429);
    assert.equal((await http(`${server.url}${sessionPath('proxied')}/xhr`, { method: 'POST', headers: client })).status, 429);
    assert.equal((await handshake(`${server.wsUrl}/ws/chat?room=capped`, { headers: client })).status, 429);
    // Another client behind the same proxy has its own slots.
    const neighbour = await hold(`${server.url}/sse/rooms/capped`, { headers: via('198.51.100.8') });
    assert.equal(neighbour.status, 200);
    neighbour.close();

    // One stream ends: one slot comes back, and only one.
    streams[0]!.close();
    const poll = await eventually(async () => {
      const held = await hold(`${server.url}/api/rooms/capped/poll?timeout=1`, { headers: client });
      if (held.status === 200) return held;
      held.close();
      return undefined;
    }, 5_000, 'the slot of the ended stream');
    await until(poll, (b) => b === '[]', 'the held poll answered at its timeout');
    const session = await eventually(async () => {
      const opened = await http(`${server.url}${sessionPath('proxied')}/xhr`, { method: 'POST', headers: client });
      return opened.status === 200 ? opened : undefined;
    }, 5_000, 'the slot of the answered poll');
    assert.equal(session.text, 'o\n');
    assert.equal((await statusOf(`${server.url}/sse/rooms/capped`, { headers: client })).status, 429, 'the session holds it now');
    for (const s of streams.slice(1)) s.close();
  });

  it('a session opened through the proxy answers only to the client the proxy named', async () => {
    const path = sessionPath('bound');
    assert.equal((await http(`${server.url}${path}/xhr`, { method: 'POST', headers: via('203.0.113.5') })).text, 'o\n');
    assert.equal((await http(`${server.url}${path}/xhr_send`, { method: 'POST', headers: via('203.0.113.6'), body: '["x"]' })).status, 404);
    assert.equal((await http(`${server.url}${path}/xhr_send`, { method: 'POST', headers: via('203.0.113.5'), body: '[]' })).status, 204);
  });
});
