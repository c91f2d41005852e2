// #12: the compose file's topology (one HAProxy in front of two nodes on one PostgreSQL and one
// RabbitMQ), run from Debian's packages with the same deploy/proxy/haproxy.cfg, seen from Chromium over
// HTTPS as a user sees it: HTTP/2 (10 SSE streams of one page live at once), WebSocket upgrades, a
// SockJS polling session that stays on one node, and a node killed under a page that then carries on
// through the other node with every message shown once.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { CHROMIUM_PATH, ChatPage, countOf } from '../browser/support/chat-page.driver';
import { NODE_NAMES, postThroughProxy, startTopology, type NodeName, type Topology } from './support/proxy-topology';

const CHROMIUM_FLAGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];
/** SockJS session requests: /chat/{server}/{session}/{transport}. */
const SOCKJS_SESSION_URL = /\/chat\/[^/.]+\/([^/.]+)\/(xhr|xhr_send|xhr_streaming|eventsource|htmlfile|jsonp|jsonp_send|websocket)(\?|$)/;

interface Served {
  session: string;
  transport: string;
  node: string;
  status: number;
  at: number;
}

/** Every SockJS session request the page makes from now on, with the node that answered it. */
function recordSockJs(page: Page): Served[] {
  const served: Served[] = [];
  page.on('response', (response) => {
    const m = SOCKJS_SESSION_URL.exec(response.url());
    if (m) served.push({ session: m[1], transport: m[2], node: response.headers()['x-chat-node'] ?? '?', status: response.status(), at: Date.now() });
  });
  return served;
}

async function until(what: string, check: () => boolean | Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

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
      assert.equal(await openStreams(direct, rooms, 10, 8_000, 1_500), 6, 'HTTP/1.1: six connections per host');
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

  test('a page on SockJS xhr-polling keeps its session on one node', async () => {
    const room = `sticky-${Date.now().toString(36)}`;
    const ann = await ChatPage.open(browser, topology.publicUrl, { name: 'ann', room, transport: 'sockjs-xhr-polling', ignoreHTTPSErrors: true });
    const served = recordSockJs(ann.page);
    const restNodes = new Set<string>();
    const expected: string[] = [];
    try {
      for (let i = 1; i <= 6; i++) {
        const rest = `rest ${i} to ann`;
        restNodes.add((await postThroughProxy(topology, room, rest)).node);
        await ann.waitForMessage(rest);
        await ann.send(`ann says ${i}`);
        await ann.waitForMessage(`ann says ${i}`);
        expected.push(rest, `ann says ${i}`);
      }
      const sessions = new Set(served.map((s) => s.session));
      const nodes = new Set(served.map((s) => s.node));
      assert.ok(served.filter((s) => s.transport === 'xhr').length >= 6, `polls seen: ${JSON.stringify(served)}`);
      assert.ok(served.filter((s) => s.transport === 'xhr_send').length >= 6, `sends seen: ${JSON.stringify(served)}`);
      assert.equal(sessions.size, 1, `one SockJS session all along: ${[...sessions].join(', ')}`);
      assert.equal(nodes.size, 1, `one node all along: ${[...nodes].join(', ')}`);
      assert.ok(NODE_NAMES.includes([...nodes][0] as NodeName));
      assert.deepEqual(served.filter((s) => s.status !== 200 && s.status !== 204), [], 'no failed SockJS request');
      const texts = await ann.texts();
      assert.equal(texts.length, expected.length, JSON.stringify(texts));
      expected.forEach((fragment, i) => assert.ok(texts[i].includes(fragment), `item ${i} is "${fragment}", got "${texts[i]}"`));
      assert.deepEqual(ann.errors, []);
      console.log(`# sticky: ${served.length} SockJS requests, all on ${[...nodes][0]}; REST posts landed on ${[...restNodes].join(', ')}`);
    } finally {
      await ann.close();
    }
  });

  test('kill -9 of the page\'s node: the page reconnects through the proxy to the other and shows every message once', async () => {
    const room = `failover-${Date.now().toString(36)}`;
    const ann = await ChatPage.open(browser, topology.publicUrl, { name: 'ann', room, transport: 'sockjs-xhr-polling', ignoreHTTPSErrors: true });
    const served = recordSockJs(ann.page);
    try {
      await postThroughProxy(topology, room, 'before 1');
      await ann.waitForMessage('before 1');
      await ann.send('before 2 from ann');
      await ann.waitForMessage('before 2 from ann');
      const victim = served.at(-1)!.node as NodeName;
      const survivor = NODE_NAMES.find((n) => n !== victim)!;
      assert.ok(NODE_NAMES.includes(victim), `the page's node: ${victim}`);

      await topology.nodes[victim].kill();
      const killedAt = Date.now();
      // Posts keep being taken while the page's node is dead: the proxy sends them to the survivor.
      for (const text of ['while down 1', 'while down 2', 'while down 3']) {
        assert.equal((await postThroughProxy(topology, room, text)).node, survivor);
      }
      // The page notices, reconnects through the proxy, gets a session on the survivor, and catches up.
      await until('a SockJS answer from the surviving node', () => served.some((s) => s.at > killedAt && s.node === survivor && s.status === 200), 40_000);
      await ann.waitConnected(30_000);
      await ann.waitForMessage('while down 3', 20_000);
      await ann.send('after from ann');
      await postThroughProxy(topology, room, 'after from rest');
      await ann.waitForMessage('after from rest');

      const expected = ['before 1', 'before 2 from ann', 'while down 1', 'while down 2', 'while down 3', 'after from ann', 'after from rest'];
      const texts = await ann.texts();
      assert.equal(texts.length, expected.length, `one item per message, got ${JSON.stringify(texts)}`);
      expected.forEach((fragment, i) => assert.ok(texts[i].includes(fragment), `item ${i} is "${fragment}", got "${texts[i]}"`));
      for (const fragment of expected) assert.equal(await countOf(ann, fragment), 1, fragment);
      const after = served.filter((s) => s.at > killedAt && s.status === 200);
      assert.ok(after.length > 0 && after.every((s) => s.node === survivor), `after the kill: ${JSON.stringify(after)}`);
      assert.deepEqual(ann.errors, []);
      await ann.screenshot('deploy-failover');
    } finally {
      await ann.close();
    }
  });
});
