// #15 item 3: the chat page served by the app itself over HTTPS (TLS_CERT_FILE, TLS_KEY_FILE, a
// self-signed certificate): two people chat in Chromium, one over wss://, one over SockJS on https://.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { ChatPage, launchBrowser } from '../browser/support/chat-page.driver';
import { selfSigned, type SelfSigned } from '../support/self-signed';
import { startServer, type RunningServer } from '../support/server';

describe('#15 the chat page over the app\'s own HTTPS', () => {
  let tls: SelfSigned;
  let server: RunningServer;
  let browser: Browser;

  before(async () => {
    tls = selfSigned();
    server = await startServer({ TLS_CERT_FILE: tls.certFile, TLS_KEY_FILE: tls.keyFile });
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
    rmSync(tls.dir, { recursive: true, force: true });
  });

  test('a WebSocket (wss://) page and a SockJS xhr-streaming page see each other\'s messages', async () => {
    assert.ok(server.url.startsWith('https://'));
    const room = `tls${Date.now()}`;
    const ann = await ChatPage.open(browser, server.url, { name: 'ann', room, transport: 'websocket', ignoreHTTPSErrors: true });
    const bob = await ChatPage.open(browser, server.url, { name: 'bob', room, transport: 'sockjs-xhr-streaming', ignoreHTTPSErrors: true });
    try {
      assert.equal(new URL(ann.page.url()).protocol, 'https:');
      await ann.send('hello over wss');
      await bob.waitForMessage('hello over wss');
      await bob.send('hello over sockjs on https');
      await ann.waitForMessage('hello over sockjs on https');
      await ann.screenshot('https-page-websocket');
      assert.deepEqual([...ann.errors, ...bob.errors], [], 'no page errors, nothing blocked by the page\'s CSP');
    } finally {
      await ann.close();
      await bob.close();
    }
  });
});
