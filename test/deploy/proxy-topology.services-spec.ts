// #12: the compose file's topology (one HAProxy in front of two nodes on one PostgreSQL and one
// RabbitMQ), run from Debian's packages with the same deploy/proxy/haproxy.cfg, seen from Chromium over
// HTTPS as a user sees it: the redirect, HTTP/2 (10 SSE streams of one page live at once) and WebSocket
// upgrades. SockJS stickiness and node loss: proxy-sockjs-failover.services-spec.ts.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { CHROMIUM_PATH, ChatPage } from '../browser/support/chat-page.driver';
import { CHROMIUM_FLAGS } from './support/browser';
import { postThroughProxy, startTopology, type Topology } from './support/proxy-topology';

/**
 * Opens one EventSource per room in the page and resolves with how many are open once `count` of them
 * are (or `timeoutMs` passed), after `settleMs` more: the browser's own limit shows as a plateau.
 */
function openStreams(page: Page, rooms: string[], count: number, timeoutMs: number, settleMs: number): Promise<number> {
  return page.evaluate(async ({ rooms, count, timeoutMs, settleMs }) => {
    const w = window as unknown as { streams: EventSource[]; received: Record<string, string[]> };
    w.received = {};
    let open = 0;
    w.streams = rooms.map((room) => {
      const source = new EventSource(`/sse/rooms/${room}`);
      w.received[room] = [];
      source.addEventListener('open', () => open++);
      source.addEventListener('message', (event) => w.received[room].push((JSON.parse(event.data) as { text: string }).text));
      return source;
    });
    const deadline = Date.now() + timeoutMs;
    while (open < count && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    await new Promise((r) => setTimeout(r, settleMs));
    return open;
  }, { rooms, count, timeoutMs, settleMs });
}

describe('the deployment topology: HAProxy (deploy/proxy/haproxy.cfg) in front of two nodes', () => {
  let topology: Topology;
  let browser: Browser;
  let context: BrowserContext;

  before(async () => {
    topology = await startTopology();
    browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_FLAGS });
    context = await browser.newContext({ ignoreHTTPSErrors: true });
    context.setDefaultTimeout(20_000);
  });
  after(async () => {
    await browser?.close();
    await topology?.stop();
  });

  test('http:// redirects to the https:// entry, which serves the page over HTTP/2', async () => {
    const page = await context.newPage();
    try {
      await page.goto(`http://localhost:${topology.httpPort}/?from=http`);
      assert.equal(page.url(), `${topology.publicUrl}/?from=http`);
      const protocol = await page.evaluate(() => (performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming).nextHopProtocol);
      assert.equal(protocol, 'h2');
      await page.getByRole('button', { name: 'Connect', exact: true }).waitFor();
    } finally {
      await page.close();
    }
  });

  test('10 SSE streams of one page are live at once over HTTP/2 (HTTP/1.1 stops at 6)', async () => {
    const rooms = Array.from({ length: 10 }, (_, i) => `sse${i}-${Date.now().toString(36)}`);
    const page = await context.newPage();
    try {
      await page.goto(topology.publicUrl);
      assert.equal(await openStreams(page, rooms, 10, 15_000, 500), 10, 'all 10 streams open through the proxy');
      // Each stream is live: a message posted to its room arrives on it, and only there.
      await page.evaluate(async (rooms) => {
        await Promise.all(rooms.map(async (room) => {
          const res = await fetch(`/api/rooms/${room}/messages`, {
            method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ from: 'sse', text: `to ${room}` }),
          });
          if (res.status !== 201) throw new Error(`POST ${room}: ${res.status}`);
        }));
      }, rooms);
      await page.waitForFunction((n) => Object.values((window as unknown as { received: Record<string, string[]> }).received).filter((r) => r.length > 0).length === n, rooms.length, { timeout: 15_000 });
      const received = await page.evaluate(() => (window as unknown as { received: Record<string, string[]> }).received);
      for (const room of rooms) assert.deepEqual(received[room], [`to ${room}`]);
    } finally {
      await page.close();
    }
    // The same page from one node directly, on HTTP/1.1: the browser holds the 7th stream back, which is
    // what the proxy's HTTP/2 is for (and shows that the count above can fail).
    const direct = await context.newPage();
    try {
      await direct.goto(topology.nodes['chat-1'].url);
      assert.equal(await direct.evaluate(() => (performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming).nextHopProtocol), 'http/1.1');
      assert.equal(await openStreams(direct, rooms, 6, 10_000, 2_000), 6, 'HTTP/1.1: six connections per host, the rest wait');
    } finally {
      await direct.close();
    }
  });

  test('WebSocket upgrades through the proxy: the page on STOMP over WebSocket, and /ws/chat', async () => {
    const room = `ws-${Date.now().toString(36)}`;
    const wes = await ChatPage.open(browser, topology.publicUrl, { name: 'wes', room, transport: 'websocket', ignoreHTTPSErrors: true });
    try {
      await wes.send('over wss through the proxy');
      await wes.waitForMessage('over wss through the proxy');
      await postThroughProxy(topology, room, 'posted by REST');
      await wes.waitForMessage('posted by REST');
      const echoed = await wes.page.evaluate((room) => new Promise<string>((resolve, reject) => {
        const socket = new WebSocket(`wss://${location.host}/ws/chat?room=${room}`);
        socket.onopen = () => socket.send(JSON.stringify({ from: 'plain', text: 'plain ws through the proxy' }));
        socket.onmessage = (event) => {
          resolve((JSON.parse(String(event.data)) as { text: string }).text);
          socket.close();
        };
        socket.onerror = () => reject(new Error('the /ws/chat socket failed'));
      }), room);
      assert.equal(echoed, 'plain ws through the proxy');
      await wes.waitForMessage('plain ws through the proxy');
      assert.deepEqual(wes.errors, []);
    } finally {
      await wes.close();
    }
  });
});
