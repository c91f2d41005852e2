// #13 item 8: the page's people list and typing line, three users on three doors (STOMP over WebSocket,
// SSE + REST, Socket.IO), signed in with tokens as a deployment with an identity provider has them.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import { startServer, type RunningServer } from '../support/server';
import { signToken } from '../support/tokens';
import { ChatPage, launchBrowser } from './support/chat-page.driver';

const SECRET = 'room-people-secret-0123456789abcdef';

describe('#13 the page: who is here, who is typing', () => {
  let server: RunningServer;
  let browser: Browser;
  const open = (user: string, room: string, transport: string) =>
    ChatPage.open(browser, server.url, { name: user, room, transport, token: signToken(user, SECRET, { expiresInSec: 600 }) });

  before(async () => {
    server = await startServer({ AUTH_TOKEN_SECRET: SECRET });
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  test('presence: everyone in the room is listed as online on every page; one who leaves goes', async () => {
    const ann = await open('ann', 'hall', 'websocket');
    const bob = await open('bob', 'hall', 'sse');
    const cat = await open('cat', 'hall', 'socketio');
    const pages = [ann, bob, cat];
    try {
      // A public room exists from its first message: from then on one may join it.
      await ann.send('hello hall');
      for (const page of pages) {
        for (const user of ['ann', 'bob', 'cat']) await page.person(user).filter({ hasText: 'online' }).waitFor();
        await page.page.getByText('3 online').waitFor();
      }
      assert.match(await ann.person('ann').innerText(), /\(you\)/, 'the page says which one is you');
      await cat.close();
      for (const page of [ann, bob]) {
        // Not a member of the public room, so gone from the list once not here.
        await page.person('cat').waitFor({ state: 'detached' });
        await page.page.getByText('2 online').waitFor();
      }

      // Joining makes bob a member: listed even when he is away.
      await bob.page.getByRole('button', { name: 'Join room', exact: true }).click();
      await bob.page.getByRole('button', { name: 'Leave room', exact: true }).waitFor();
      await bob.close();
      await ann.person('bob').filter({ hasText: 'offline' }).waitFor();
      assert.deepEqual(ann.errors, []);
      await ann.screenshot('people-list');
    } finally {
      for (const page of pages) await page.close().catch(() => undefined);
    }
  });

  test('typing shows on the other pages, on every door, and ends by itself', async () => {
    const ann = await open('ann', 'typing', 'websocket');
    const bob = await open('bob', 'typing', 'sse');
    const cat = await open('cat', 'typing', 'socketio');
    try {
      await ann.field('Message').pressSequentially('hel');
      for (const page of [bob, cat]) await page.typingLine.filter({ hasText: 'ann is typing…' }).waitFor();
      assert.equal(await ann.typingLine.count(), 0, 'one is not told that one is typing');

      // Socket.IO carries typing too; two typists are named together.
      await cat.field('Message').pressSequentially('wait');
      await bob.typingLine.filter({ hasText: 'ann and cat are typing…' }).waitFor();
      await ann.typingLine.filter({ hasText: 'cat is typing…' }).waitFor();
      await bob.screenshot('typing-line');

      // Sending ends cat's typing at once; ann stopped at "hel" and the server ends hers 5 s after her last.
      const stoppedAt = Date.now();
      await cat.send('wait for me');
      await bob.typingLine.filter({ hasText: 'ann is typing…' }).waitFor();
      await bob.typingLine.waitFor({ state: 'detached', timeout: 10_000 });
      await cat.typingLine.waitFor({ state: 'detached', timeout: 10_000 });
      assert.ok(Date.now() - stoppedAt > 2_000, 'ann\'s typing ended by itself, not at once');
      for (const page of [ann, bob, cat]) assert.deepEqual(page.errors, []);
    } finally {
      for (const page of [ann, bob, cat]) await page.close();
    }
  });
});
