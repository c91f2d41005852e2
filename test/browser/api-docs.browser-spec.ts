// #11 item 9: /api/docs in a real browser: Swagger UI renders the REST operations and the STOMP table
// under the page's own Content-Security-Policy, and asks nothing of any other host.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import { startServer, type RunningServer } from '../support/server';
import { DESKTOP, SCREENSHOT_DIR, launchBrowser } from './support/chat-page.driver';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

describe('#11 the API documents page', () => {
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

  test('shows both documents, with no CSP violation and no foreign request', async () => {
    const context = await browser.newContext({ viewport: DESKTOP });
    context.setDefaultTimeout(20_000);
    const page = await context.newPage();
    const problems: string[] = [];
    const foreign: string[] = [];
    page.on('pageerror', (error) => problems.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(message.text());
    });
    page.on('request', (request) => {
      const url = new URL(request.url());
      if (url.protocol !== 'data:' && url.origin !== server.url) foreign.push(request.url());
    });
    try {
      await page.goto(`${server.url}/api/docs`);
      // The REST side: one operation per path, rendered by Swagger UI.
      await page.locator('[data-path="/api/rooms/{room}/messages"]').first().waitFor();
      // The STOMP side: the table in the description, a row per destination.
      const stomp = page.getByRole('table').filter({ hasText: '/app/rooms/{room}/history' });
      await stomp.waitFor();
      assert.ok((await stomp.getByRole('row').count()) > 10);
      mkdirSync(SCREENSHOT_DIR, { recursive: true });
      await page.screenshot({ path: join(SCREENSHOT_DIR, 'api-docs.png') });
      assert.deepEqual(problems, []);
      assert.deepEqual(foreign, []);
    } finally {
      await context.close();
    }
  });
});
