// Two people chat through the page on every transport the picker offers, then one of them loses the
// network and must catch up on what was said meanwhile, each message exactly once.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import { startServer } from '../support/server';
import { ChatPage, countOf, launchBrowser } from './support/chat-page.driver';

const TRANSPORTS = [
  'websocket',
  'sockjs',
  'sockjs-websocket',
  'sockjs-xhr-streaming',
  'sockjs-xhr-polling',
  'sockjs-eventsource',
  'sockjs-htmlfile',
  'sockjs-jsonp-polling',
  'sse',
  'long-polling',
  // #15 item 2
  'socketio',
  'socketio-polling',
];

// Markup and a script break-out in a message must show as text and never run (in the page or in a
// SockJS iframe, whose script writes `parent.*`).
const HOSTILE = '</script><script>parent.__pwned=1</script><img src=x onerror="window.__pwned=2"> <b>bold?</b>';

describe('two pages chat on each transport', () => {
  let server: Awaited<ReturnType<typeof startServer>>;
  let browser: Browser;

  before(async () => {
    // jsonp-polling cannot be origin-checked, so the server offers it only to ALLOWED_ORIGINS=*.
    server = await startServer({ ALLOWED_ORIGINS: '*', DATABASE_URL: 'sqlite::memory:' });
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  test('the transport picker offers exactly these transports', async () => {
    const page = await browser.newPage();
    try {
      await page.goto(server.url);
      // #10: found by its exact label, as Name and Room are.
      assert.equal(await page.getByLabel('Transport', { exact: true }).count(), 1);
      for (const name of ['Name', 'Room']) assert.equal(await page.getByLabel(name, { exact: true }).count(), 1, name);
      const values = await page
        .getByRole('combobox', { name: 'Transport', exact: true })
        .locator('option')
        .evaluateAll((options) => options.map((o) => (o as HTMLOptionElement).value));
      assert.deepEqual([...values].sort(), [...TRANSPORTS].sort());
    } finally {
      await page.close();
    }
  });

  for (const transport of TRANSPORTS) {
    test(transport.startsWith('socketio') ? `#15 ${transport}` : transport, async () => {
      const room = `t-${transport}-${Date.now().toString(36)}`;
      const ann = await ChatPage.open(browser, server.url, { name: 'ann', room, transport });
      const bob = await ChatPage.open(browser, server.url, { name: 'bob', room, transport });
      try {
        assert.equal(await bob.sendButton.isEnabled(), true, 'Send is enabled once connected');

        await ann.send(`hello bob over ${transport}`);
        const seen = await bob.waitForMessage(`hello bob over ${transport}`);
        const text = await seen.innerText();
        assert.match(text, /ann/, 'the item names the sender');
        assert.match(text, /\d{1,2}:\d{2}/, 'the item shows the time');

        await bob.send(HOSTILE);
        await ann.waitForMessage('<b>bold?</b>');
        await bob.waitForMessage('<b>bold?</b>');
        for (const chat of [ann, bob]) {
          assert.equal(await chat.page.evaluate(() => (window as { __pwned?: unknown }).__pwned), undefined, 'no script ran');
          assert.equal(await chat.items.locator('img, b, script').count(), 0, 'no markup was created');
        }

        // Bob drops off the network; Ann keeps talking; Bob comes back and catches up.
        await bob.context.setOffline(true);
        await bob.waitStatus('Offline');
        assert.equal(await bob.sendButton.isDisabled(), true, 'Send is disabled while offline');
        await ann.send(`missed one via ${transport}`);
        await ann.send(`missed two via ${transport}`);
        await bob.context.setOffline(false);
        await bob.waitConnected();
        await bob.waitForMessage(`missed two via ${transport}`);
        await ann.send(`after the gap via ${transport}`);
        await bob.waitForMessage(`after the gap via ${transport}`);

        const expected = [`hello bob over ${transport}`, '<b>bold?</b>', `missed one via ${transport}`, `missed two via ${transport}`, `after the gap via ${transport}`];
        for (const chat of [ann, bob]) {
          const texts = await chat.texts();
          assert.equal(texts.length, expected.length, `one item per message, got ${JSON.stringify(texts)}`);
          expected.forEach((fragment, i) => assert.ok(texts[i].includes(fragment), `item ${i} is "${fragment}", got "${texts[i]}"`));
          for (const fragment of expected) assert.equal(await countOf(chat, fragment), 1);
        }
        await bob.screenshot(`transport-${transport}`);
        assert.deepEqual(ann.errors, [], 'no uncaught errors in the first page');
        assert.deepEqual(bob.errors, [], 'no uncaught errors in the second page');
      } finally {
        await ann.close();
        await bob.close();
      }
    });
  }
});
