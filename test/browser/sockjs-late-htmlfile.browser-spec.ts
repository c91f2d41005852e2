// The chat page over SockJS htmlfile when an htmlfile iframe outlives its receiver. sockjs-client gives
// the transport 2 × RTO to open and, past it, aborts the receiver and deletes its `_jp.<id>` callback,
// but removes the iframe only on the next tick; on a busy machine the iframe's first script
// (`var c = parent._jp.<id>; c.start();`) is already queued and runs against the deleted id. That
// timing cannot be forced from outside, so the test builds its end state: a real htmlfile iframe from
// the real server naming an id the page's own SockJS has retired.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import { startServer } from '../support/server';
import { ChatPage, launchBrowser } from './support/chat-page.driver';

describe('sockjs-htmlfile: a late htmlfile iframe', () => {
  let server: Awaited<ReturnType<typeof startServer>>;
  let browser: Browser;

  before(async () => {
    server = await startServer({ DATABASE_URL: 'sqlite::memory:' });
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  test('CI flake "c.start is not a function": an htmlfile iframe whose receiver was already closed throws nothing in the page', async () => {
    const room = `late-${Date.now().toString(36)}`;
    const chat = await ChatPage.open(browser, server.url, { name: 'ann', room, transport: 'sockjs-htmlfile' });
    try {
      const live = await chat.page.locator('iframe[src*="/htmlfile?"]').first().getAttribute('src');
      const callback = new URL(live ?? '', server.url).searchParams.get('c');
      assert.match(callback ?? '', /^_jp\.a[0-9a-z]{6}$/, 'the page streams through an htmlfile iframe');

      // Switching rooms closes the socket: sockjs-client deletes that receiver's callback.
      await chat.join({ name: 'ann', room: `${room}-b`, transport: 'sockjs-htmlfile' });
      const id = (callback ?? '').slice('_jp.'.length);
      assert.equal(await chat.page.evaluate((key) => key in (window as unknown as { _jp: object })._jp, id), false, 'the old callback is gone');

      // The iframe the aborted receiver had asked for, arriving late: its own fresh session on the server.
      const session = `${Math.floor(Math.random() * 1000)}/${Math.random().toString(36).slice(2, 10)}`;
      await chat.page.evaluate(
        (src) => {
          const frame = document.createElement('iframe');
          frame.src = src;
          frame.style.display = 'none';
          document.body.appendChild(frame);
        },
        `/chat/${session}/htmlfile?c=${callback}`,
      );
      // Inline scripts run as they are parsed: two of them means `c.start()` and `p("o")` (c.message) ran.
      const frame = chat.page.frameLocator(`iframe[src*="${session}/htmlfile"]`);
      await frame.locator('script').nth(1).waitFor({ state: 'attached' });
      assert.match(await frame.locator('script').nth(1).textContent() ?? '', /p\("o"\)/, 'the server opened the late session');

      assert.deepEqual(chat.errors, [], 'no uncaught errors in the page or its iframes');
      await chat.waitConnected();
      await chat.send('still here after the late iframe');
      await chat.waitForMessage('still here after the late iframe');
    } finally {
      await chat.close();
    }
  });
});
