// Issue "Hard to break", item 2: ALLOWED_ORIGINS on every browser-reachable door of the real server.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, type RunningServer } from '../support/server';
import { handshake, http } from './hardening-client';

const LISTED = 'http://good.example';
const FOREIGN = 'http://evil.example';

const PUBLIC = 'https://chat.example.com';

let server: RunningServer;
let open: RunningServer;
before(async () => {
  [server, open] = await Promise.all([startServer({ ALLOWED_ORIGINS: `${LISTED}, http://other.example` }), startServer({ ALLOWED_ORIGINS: '*' })]);
});
after(async () => {
  const codes = await Promise.all([server.stop(), open.stop()]);
  assert.deepEqual(codes, [0, 0]);
});

/** Status of each door for a request carrying `origin` (undefined: no Origin header at all). */
async function doors(s: RunningServer, origin: string | undefined, extra: Record<string, string> = {}): Promise<Record<string, number>> {
  const headers: Record<string, string> = origin === undefined ? { ...extra } : { origin, ...extra };
  const ws = async (path: string, protocols: string[] = []) => {
    const h = await handshake(`${s.wsUrl}${path}`, { headers, protocols });
    h.ws?.terminate();
    return h.status;
  };
  const get = async (path: string, headersOnly = false) => (await http(`${s.url}${path}`, { headers, headersOnly })).status;
  const session = `s${Math.random().toString(36).slice(2)}`;
  return {
    'ws /chat': await ws('/chat', ['v12.stomp']),
    'GET /chat/info': await get('/chat/info'),
    'POST /chat/000/S/xhr': (await http(`${s.url}/chat/000/${session}/xhr`, { method: 'POST', headers })).status,
    'ws /chat/000/S/websocket': await ws(`/chat/000/${session}w/websocket`),
    'ws /ws/chat': await ws('/ws/chat?room=r'),
    'GET /sse/rooms/x': await get('/sse/rooms/x', true),
    'GET /api/rooms': await get('/api/rooms'),
    'POST /api/rooms/x/messages': (await http(`${s.url}/api/rooms/x/messages`, {
      method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: '{"from":"o","text":"hi"}',
    })).status,
    'GET /api/rooms/x/poll': await get('/api/rooms/x/poll?timeout=0'),
  };
}

const expectAll = (got: Record<string, number>, ok: (status: number) => boolean, what: string) => {
  const bad = Object.entries(got).filter(([, status]) => !ok(status));
  assert.deepEqual(bad, [], `${what}: ${JSON.stringify(got)}`);
};

describe('ALLOWED_ORIGINS on every door', () => {
  it('a foreign Origin gets 403 everywhere', async () => {
    expectAll(await doors(server, FOREIGN), (s) => s === 403, 'foreign');
    // A look-alike of a listed origin is foreign too.
    expectAll(await doors(server, 'http://good.example.evil.example'), (s) => s === 403, 'look-alike');
    expectAll(await doors(server, 'null'), (s) => s === 403, 'null origin');
  });

  it('a listed origin, the server\'s own origin and no Origin at all are served', async () => {
    const served = (s: number) => s === 101 || (s >= 200 && s < 300);
    expectAll(await doors(server, LISTED), served, 'listed');
    expectAll(await doors(server, `http://127.0.0.1:${server.port}`), served, 'own');
    expectAll(await doors(server, undefined), served, 'no Origin');
  });

  it('refused requests store nothing', async () => {
    const before = (await http(`${server.url}/api/rooms/refused/messages`)).text;
    const post = await http(`${server.url}/api/rooms/refused/messages`, {
      method: 'POST', headers: { origin: FOREIGN, 'content-type': 'application/json' }, body: '{"from":"o","text":"no"}',
    });
    assert.equal(post.status, 403);
    assert.equal(JSON.parse(post.text).error, 'forbidden-origin');
    assert.equal((await http(`${server.url}/api/rooms/refused/messages`)).text, before);
  });

  it('jsonp-polling is 403 unless ALLOWED_ORIGINS=*, and served with *', async () => {
    const jsonp = (s: RunningServer, origin?: string) =>
      http(`${s.url}/chat/000/j${Math.random().toString(36).slice(2)}/jsonp?c=cb`, { headers: origin ? { origin } : {} });
    assert.equal((await jsonp(server)).status, 403);
    assert.equal((await jsonp(server, LISTED)).status, 403, 'even from a listed origin');
    const served = await jsonp(open, FOREIGN);
    assert.equal(served.status, 200);
    assert.match(served.text, /cb\("o"\)/);
    expectAll(await doors(open, FOREIGN), (s) => s === 101 || (s >= 200 && s < 300), 'with *');
  });
});

describe('#10 PUBLIC_URL pins our own origin', () => {
  let pinned: RunningServer;
  before(async () => {
    pinned = await startServer({ PUBLIC_URL: PUBLIC });
  });
  after(async () => assert.equal(await pinned.stop(), 0));

  // A DNS-rebinding page at http://rebound.example:PORT resolves to us: its requests carry its own origin
  // and a Host header that matches it.
  const rebound = (s: RunningServer) => ({ origin: `http://rebound.example:${s.port}`, host: `rebound.example:${s.port}` });

  it('without PUBLIC_URL, a page whose Host matches its origin counts as our own (why PUBLIC_URL exists)', async () => {
    const { origin, host } = rebound(server);
    assert.equal((await http(`${server.url}/api/rooms`, { headers: { origin, host } })).status, 200);
  });

  it('with PUBLIC_URL, only that origin is our own on every door, whatever the Host header says', async () => {
    const { origin, host } = rebound(pinned);
    expectAll(await doors(pinned, origin, { host }), (s) => s === 403, 'rebinding page');
    expectAll(await doors(pinned, `http://127.0.0.1:${pinned.port}`), (s) => s === 403, 'the Host-derived origin');
    const served = (s: number) => s === 101 || (s >= 200 && s < 300);
    expectAll(await doors(pinned, PUBLIC), served, 'PUBLIC_URL');
    expectAll(await doors(pinned, undefined), served, 'no Origin');
  });
});
