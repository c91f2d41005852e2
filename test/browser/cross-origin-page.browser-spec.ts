// #15 item 6 (and #10 item 9): a single-page app served from another origin uses REST, SSE and long
// polling of the chat server in a real browser, when ALLOWED_ORIGINS admits its origin; a page from an
// origin that is not admitted is refused by the browser's CORS check (and by the server's origin rule).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser } from 'playwright-core';
import { startServer, type RunningServer } from '../support/server';
import { launchBrowser } from './support/chat-page.driver';

let chat: RunningServer;
let browser: Browser;
let spa: Server;
let spaOrigin: string;
let otherOrigin: string;

/** The other origin's page: nothing but a blank document the test scripts run in. */
const PAGE = '<!doctype html><meta charset="utf-8"><title>another app</title><p>another origin</p>';

before(async () => {
  spa = createServer((_req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
    res.end(PAGE);
  });
  await new Promise<void>((r) => spa.listen(0, '127.0.0.1', r));
  const port = (spa.address() as AddressInfo).port;
  // Two origins for one server: 127.0.0.1 is admitted, localhost is not.
  spaOrigin = `http://127.0.0.1:${port}`;
  otherOrigin = `http://localhost:${port}`;
  chat = await startServer({ ALLOWED_ORIGINS: spaOrigin });
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await chat?.stop();
  spa?.close();
});

async function pageAt(origin: string) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${origin}/`);
  return { page, close: () => context.close() };
}

describe('#15 CORS from a page on another origin, in Chromium', () => {
  it('an admitted origin posts (with a preflight), reads history, follows SSE and a long poll', async () => {
    const { page, close } = await pageAt(spaOrigin);
    const result = await page.evaluate(async (api: string) => {
      const room = `cors${Date.now()}`;
      // JSON content-type and a custom header: the browser sends a preflight first.
      const posted = await fetch(`${api}/api/rooms/${room}/messages`, {
        method: 'POST', headers: { 'content-type': 'application/json', 'client-message-id': 'spa-1' }, body: JSON.stringify({ from: 'spa', text: 'hello from afar' }),
      });
      const stored = await posted.json();
      const history = await (await fetch(`${api}/api/rooms/${room}/messages`)).json();
      const sse = await new Promise<string>((resolve, reject) => {
        const source = new EventSource(`${api}/sse/rooms/${room}?lastEventId=0`);
        source.addEventListener('message', (e) => { source.close(); resolve((e as MessageEvent).data); });
        source.onerror = () => { source.close(); reject(new Error('EventSource failed')); };
      });
      const poll = await (await fetch(`${api}/api/rooms/${room}/poll?after=0`)).json();
      return { status: posted.status, stored, history, sse: JSON.parse(sse), poll };
    }, chat.url);
    assert.equal(result.status, 201);
    assert.equal(result.stored.text, 'hello from afar');
    assert.deepEqual(result.history.map((m: { id: number }) => m.id), [result.stored.id]);
    assert.equal(result.sse.id, result.stored.id);
    assert.equal(JSON.stringify(result.poll).includes('hello from afar'), true);
    await close();
  });

  it('an origin that is not admitted cannot read or post: the browser sees a failed fetch and EventSource', async () => {
    const { page, close } = await pageAt(otherOrigin);
    const result = await page.evaluate(async (api: string) => {
      const outcome = async (p: Promise<Response>) => p.then((r) => `status ${r.status}`, (e: Error) => `failed: ${e.name}`);
      const post = await outcome(fetch(`${api}/api/rooms/cors-refused/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"from":"x","text":"y"}' }));
      const read = await outcome(fetch(`${api}/api/rooms/cors-refused/messages`));
      const sse = await new Promise<string>((resolve) => {
        const source = new EventSource(`${api}/sse/rooms/cors-refused`);
        source.onopen = () => { source.close(); resolve('open'); };
        source.onerror = () => { source.close(); resolve('error'); };
      });
      return { post, read, sse };
    }, chat.url);
    assert.equal(result.post, 'failed: TypeError');
    assert.equal(result.read, 'failed: TypeError');
    assert.equal(result.sse, 'error');
    const stored = await (await fetch(`${chat.url}/api/rooms/cors-refused/messages`)).json();
    assert.deepEqual(stored, [], 'the refused post stored nothing');
    await close();
  });
});
