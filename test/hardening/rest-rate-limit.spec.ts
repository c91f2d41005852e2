// #10 item 7: the REST rate limit applies where the route resolves, so no spelling of the path gets
// around it; and (#10 item 9) TRUST_PROXY decides whose forwarding headers name the client.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Agent, request } from 'node:http';
import { startServer, type RunningServer } from '../support/server';
import { http } from './hardening-client';

/** Every spelling Express routes to POST /api/rooms/{room}/messages. */
const SPELLINGS = ['/api/rooms/r/messages', '/API/ROOMS/r/MESSAGES', '/Api/Rooms/r/Messages/', '/api/rooms/r/messages/?x=1', '/api/ROOMS/r/messages'];

function post(base: string, path: string, options: { from?: string; headers?: Record<string, string>; agent?: Agent } = {}): Promise<number> {
  const body = JSON.stringify({ from: 'f', text: 'hello' });
  return new Promise((resolve, reject) => {
    const req = request(`${base}${path}`, {
      method: 'POST',
      agent: options.agent ?? false,
      localAddress: options.from,
      headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...options.headers },
    }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('#10 the REST rate limit holds for every spelling of the path', () => {
  let server: RunningServer;
  before(async () => {
    server = await startServer({ RATE_LIMIT_PER_SEC: '2', RATE_LIMIT_BURST: '4' });
  });
  after(async () => assert.equal(await server.stop(), 0));

  it('counts every spelling against one bucket per client', async () => {
    const statuses: number[] = [];
    const started = performance.now();
    for (let i = 0; i < 15; i++) statuses.push(await post(server.url, SPELLINGS[i % SPELLINGS.length]!, { from: '127.0.0.6' }));
    const seconds = (performance.now() - started) / 1000;
    const accepted = statuses.filter((s) => s === 201).length;
    // The burst of 4, plus what 2/s refilled meanwhile (a loaded machine may take a while), and no more.
    const most = 4 + Math.ceil(seconds * 2);
    assert.ok(accepted >= 4 && accepted <= most, `${accepted} accepted in ${seconds.toFixed(1)} s, at most ${most}: ${statuses.join(',')}`);
    assert.ok(statuses.slice(0, 4).every((s) => s === 201) && statuses.includes(429), statuses.join(','));
    assert.ok(statuses.every((s) => s === 201 || s === 429), statuses.join(','));
    const stored = JSON.parse((await http(`${server.url}/api/rooms/r/messages?limit=500`)).text) as unknown[];
    assert.equal(stored.length, accepted, 'refused posts stored nothing');
  });

  it('lets one client through at the configured rate, whatever the spelling', async (t) => {
    const agent = new Agent({ keepAlive: true, maxSockets: 4, localAddress: '127.0.0.9' });
    const seconds = 2;
    const end = performance.now() + seconds * 1000;
    let accepted = 0;
    let sent = 0;
    await Promise.all(Array.from({ length: 4 }, async (_, w) => {
      for (let i = w; performance.now() < end; i += 4) {
        sent++;
        if ((await post(server.url, SPELLINGS[i % SPELLINGS.length]!, { agent })) === 201) accepted++;
      }
    }));
    agent.destroy();
    const perSecond = accepted / seconds;
    t.diagnostic(`one client, every spelling: ${accepted} of ${sent} accepted in ${seconds} s = ${perSecond.toFixed(1)}/s (limit 2/s, burst 4)`);
    // Burst 4 + 2/s for 2 s = 8 at most (one more for timing slack).
    assert.ok(accepted <= 9, `${accepted} accepted`);
    assert.ok(sent > 20, `the client really tried, well past the limit (${sent})`);
  });
});

describe('#10 TRUST_PROXY: forwarding headers name the client only from a trusted proxy', () => {
  let server: RunningServer;
  before(async () => {
    server = await startServer({ RATE_LIMIT_PER_SEC: '1', RATE_LIMIT_BURST: '2', TRUST_PROXY: '127.0.0.10, 127.0.0.11/32' });
  });
  after(async () => assert.equal(await server.stop(), 0));

  const burst = async (from: string, headers: (i: number) => Record<string, string>) => {
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push(await post(server.url, '/api/rooms/p/messages', { from, headers: headers(i) }));
    return statuses.filter((s) => s === 201).length;
  };

  it('gives each client behind a trusted proxy its own bucket (X-Forwarded-For and Forwarded)', async () => {
    // Four different clients, each posting once through the proxy: nobody is limited.
    assert.equal(await burst('127.0.0.10', (i) => ({ 'x-forwarded-for': `198.51.100.${i + 1}` })), 4);
    assert.equal(await burst('127.0.0.11', (i) => ({ forwarded: `for="[2001:db8:${i}::1]:4711";proto=https` })), 4);
    // A client that claims a spoofed hop before the proxy is still itself: the proxy appended the real one.
    assert.equal(await burst('127.0.0.10', (i) => ({ 'x-forwarded-for': `10.9.9.${i}, 203.0.113.7` })), 2);
  });

  it('ignores forwarding headers from anyone else: one bucket for the peer, whatever it claims', async () => {
    assert.equal(await burst('127.0.0.12', (i) => ({ 'x-forwarded-for': `192.0.2.${i + 1}` })), 2);
    assert.equal(await burst('127.0.0.13', (i) => ({ forwarded: `for=192.0.2.${i + 1}` })), 2);
  });
});
