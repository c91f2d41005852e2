// The seed's own client page (apps/web/seed: SockJS + stomp.js 2.3.3, served at /seed/) forced onto each
// SockJS transport in turn: two people pick a nickname, click Connect, and a line one of them sends shows
// on both pages as the seed's page writes it, `from: text (HH:mm)`.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startServer, type RunningServer } from '../support/server';
import { DESKTOP, SCREENSHOT_DIR, launchBrowser } from './support/chat-page.driver';

/**
 * Every transport of sockjs-client 1.6.1's list that Chromium can use. xdr-streaming and xdr-polling
 * need IE's XDomainRequest; jsonp-polling has its own server below (it needs ALLOWED_ORIGINS=*).
 */
const TRANSPORTS = [
  'websocket',
  'xhr-streaming',
  'eventsource',
  'iframe-eventsource',
  'htmlfile',
  'iframe-htmlfile',
  'xhr-polling',
  'iframe-xhr-polling',
] as const;

const SEED_SHOTS = join(SCREENSHOT_DIR, 'seed');

/** What the page's SockJS sockets report, read from the browser. */
interface SocketState {
  transport: string | null;
  readyState: number;
  url: string;
  /** stomp.js's client holds the same socket the seed's connect() created. */
  isStompSocket: boolean;
}

/**
 * Runs in the page before its scripts: when sockjs-client's bundle assigns `window.SockJS`, the page
 * gets a wrapper instead, so the seed's unchanged `new SockJS('/chat')` becomes
 * `new SockJS('/chat', null, { transports: [transport] })`; each socket is kept for the test to inspect.
 * Only the top frame: the SockJS iframe page runs its own copy, which must stay untouched.
 */
function forceTransport(transport: string): void {
  if (window !== window.top) return;
  type SockJsCtor = new (url: string, reserved?: unknown, options?: Record<string, unknown>) => object;
  const sockets: object[] = [];
  (window as unknown as { __seedSockets: object[] }).__seedSockets = sockets;
  let forced: SockJsCtor | undefined;
  Object.defineProperty(window, 'SockJS', {
    configurable: true,
    get: () => forced,
    set: (Real: SockJsCtor) => {
      const Forced = function (url: string, _reserved?: unknown, options?: Record<string, unknown>) {
        const socket = new Real(url, null, { ...options, transports: [transport] });
        sockets.push(socket);
        return socket;
      } as unknown as SockJsCtor;
      Object.setPrototypeOf(Forced, Real); // SockJS.OPEN and the like stay readable
      Forced.prototype = Real.prototype;
      forced = Forced;
    },
  });
}

function socketStates(page: Page): Promise<SocketState[]> {
  return page.evaluate(() => {
    const w = window as unknown as {
      __seedSockets: { transport: string | null; readyState: number; url: string }[];
      stompClient: { ws?: unknown } | null;
    };
    return w.__seedSockets.map((s) => ({
      transport: s.transport,
      readyState: s.readyState,
      url: s.url,
      isStompSocket: w.stompClient?.ws === s,
    }));
  });
}

/** The seed's page in a fresh browser profile, driven through its element ids (it has no labels). */
class SeedPage {
  readonly errors: string[] = [];

  private constructor(
    readonly context: BrowserContext,
    readonly page: Page,
  ) {
    page.on('pageerror', (error) => this.errors.push(error.message));
  }

  static async open(browser: Browser, url: string, transport: string): Promise<SeedPage> {
    const context = await browser.newContext({ viewport: DESKTOP });
    context.setDefaultTimeout(15_000);
    const seed = new SeedPage(context, await context.newPage());
    await seed.page.addInitScript(forceTransport, transport);
    await seed.page.goto(url);
    // The seed's <body onload="disconnect()"> hides the conversation until Connect succeeds.
    await seed.page.locator('#conversationDiv').waitFor({ state: 'hidden' });
    return seed;
  }

  async connect(nickname: string): Promise<void> {
    await this.page.locator('#from').fill(nickname);
    await this.page.locator('#connect').click();
    await this.page.locator('#conversationDiv').waitFor({ state: 'visible', timeout: 20_000 });
    assert.equal(await this.page.locator('#connect').isDisabled(), true, 'Connect is disabled once connected');
    assert.equal(await this.page.locator('#disconnect').isEnabled(), true, 'Disconnect is enabled once connected');
  }

  async send(text: string): Promise<void> {
    await this.page.locator('#text').fill(text);
    await this.page.locator('#sendMessage').click();
  }

  /** Waits until the conversation has `count` lines and returns them all. */
  async lines(count: number): Promise<string[]> {
    const lines = this.page.locator('#response p');
    await lines.nth(count - 1).waitFor();
    return lines.allInnerTexts();
  }

  close(): Promise<void> {
    return this.context.close();
  }
}

/**
 * sockjs-client 1.6.1's jsonp receiver deletes its `_jp.<id>` callback when the socket closes, but a
 * poll script already in flight still runs when the server answers it (the session ends on DISCONNECT),
 * and calls the deleted callback. A bug of the page's own sockjs-client, harmless after a close, and
 * not fixable without editing the seed's script (our own chat page no-ops such late callbacks).
 */
function isLateJsonpCallback(transport: string, error: string): boolean {
  return transport === 'jsonp-polling' && /^_jp\.a[0-9a-z]{6} is not a function$/.test(error);
}

/** `HH:mm` in this machine's local time, as the server (same machine, same TZ) stamps messages. */
function clock(date = new Date()): string {
  return `${String(date.getHours()).padStart(2, '0')}:${String(date.getMinutes()).padStart(2, '0')}`;
}

/** Matches `from: text (HH:mm)` with a time taken between `since` and now. */
function assertLine(line: string, from: string, text: string, since: string): void {
  const m = /^(.*): (.*) \((\d{2}:\d{2})\)$/.exec(line);
  assert.ok(m, `"${line}" reads "from: text (HH:mm)"`);
  assert.equal(m[1], from);
  assert.equal(m[2], text);
  assert.ok([since, clock()].includes(m[3]), `time ${m[3]} is the server's local time now (${since}..${clock()})`);
}

async function chatOn(browser: Browser, server: RunningServer, transport: string): Promise<void> {
  const url = `${server.url}/seed/`;
  const ann = await SeedPage.open(browser, url, transport);
  const bob = await SeedPage.open(browser, url, transport);
  try {
    const since = clock();
    await ann.connect('ann');
    const [annSocket] = await socketStates(ann.page);
    assert.equal(annSocket.transport, transport, `the page really uses ${transport}`);
    assert.equal(annSocket.readyState, 1, 'the socket is open');
    assert.equal(annSocket.isStompSocket, true, "it is the socket stomp.js talks through");
    assert.equal(annSocket.url, `${server.url}/chat`, "the seed's new SockJS('/chat') resolves against the page");

    // A line of one's own coming back proves the subscription is live before the other person speaks
    // (the server handles one session's SUBSCRIBE and SEND in order).
    await ann.send('ann is here');
    assertLine((await ann.lines(1))[0], 'ann', 'ann is here', since);

    await bob.connect('bob');
    assert.deepEqual((await socketStates(bob.page)).map((s) => s.transport), [transport]);
    await bob.send('bob is here');
    assertLine((await bob.lines(1))[0], 'bob', 'bob is here', since);

    const text = `hello over ${transport}`;
    await ann.send(text);
    const annLines = await ann.lines(3);
    const bobLines = await bob.lines(2);
    assert.equal(annLines.length, 3, `ann sees three lines, got ${JSON.stringify(annLines)}`);
    assert.equal(bobLines.length, 2, `bob sees two lines, got ${JSON.stringify(bobLines)}`);
    assertLine(annLines[1], 'bob', 'bob is here', since);
    assertLine(annLines[2], 'ann', text, since);
    assertLine(bobLines[1], 'ann', text, since);

    mkdirSync(SEED_SHOTS, { recursive: true });
    await bob.page.screenshot({ path: join(SEED_SHOTS, `${transport}.png`) });
    assert.deepEqual(ann.errors, [], 'no uncaught errors in the first page');
    assert.deepEqual(bob.errors, [], 'no uncaught errors in the second page');

    // The seed's Disconnect: stomp.js sends DISCONNECT and closes the socket.
    await bob.page.locator('#disconnect').click();
    await bob.page.locator('#conversationDiv').waitFor({ state: 'hidden' });
    await bob.page.waitForFunction(() => (window as unknown as { __seedSockets: { readyState: number }[] }).__seedSockets[0].readyState === 3);
    assert.deepEqual(bob.errors.filter((e) => !isLateJsonpCallback(transport, e)), [], 'no uncaught errors after Disconnect');
  } finally {
    await ann.close();
    await bob.close();
  }
}

describe("the seed's client page at /seed/, forced onto each SockJS transport", () => {
  let server: RunningServer;
  let browser: Browser;

  before(async () => {
    server = await startServer();
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  test('serves the page and the two scripts it loads, from this server', async () => {
    const page = await fetch(`${server.url}/seed/`);
    assert.equal(page.status, 200);
    const html = await page.text();
    assert.match(html, /new SockJS\('\/chat'\)/);
    for (const script of ['resources/js/sockjs.min.js', 'resources/js/stomp.js']) {
      assert.ok(html.includes(`<script src="${script}"></script>`), `the page loads ${script}`);
      const res = await fetch(`${server.url}/seed/${script}`);
      assert.equal(res.status, 200, script);
      assert.match(res.headers.get('content-type') ?? '', /javascript/);
    }
    // The iframe transports refuse to run when the page's sockjs-client and the iframe's differ in version.
    const ours = await (await fetch(`${server.url}/seed/resources/js/sockjs.min.js`)).text();
    const iframe = await (await fetch(`${server.url}/chat/iframe.html`)).text();
    const pageVersion = /sockjs-client v(\S+)/.exec(ours)?.[1];
    const iframeVersion = /sockjs\.min\.js\?v=([^"&]+)"/.exec(iframe)?.[1];
    assert.ok(pageVersion, 'the copied sockjs-client names its version');
    assert.equal(pageVersion, iframeVersion, "the page's sockjs-client is the iframe's version");
  });

  for (const transport of TRANSPORTS) {
    test(transport, () => chatOn(browser, server, transport));
  }

  test('jsonp-polling is refused without ALLOWED_ORIGINS=*: the page never connects', async () => {
    const seed = await SeedPage.open(browser, `${server.url}/seed/`, 'jsonp-polling');
    try {
      await seed.page.locator('#from').fill('ann');
      await seed.page.locator('#connect').click();
      // sockjs-client gives up on its only transport and closes the socket.
      await seed.page.waitForFunction(
        () => (window as unknown as { __seedSockets: { readyState: number }[] }).__seedSockets[0]?.readyState === 3,
        undefined,
        { timeout: 20_000 },
      );
      assert.equal(await seed.page.locator('#conversationDiv').isHidden(), true, 'the conversation never opens');
      assert.equal(await seed.page.locator('#connect').isEnabled(), true, 'Connect stays available');
    } finally {
      await seed.close();
    }
  });
});

describe("the seed's client page on jsonp-polling (ALLOWED_ORIGINS=*)", () => {
  let server: RunningServer;
  let browser: Browser;

  before(async () => {
    server = await startServer({ ALLOWED_ORIGINS: '*' });
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  test('jsonp-polling', () => chatOn(browser, server, 'jsonp-polling'));
});
