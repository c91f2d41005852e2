// #13 item 8 (moderation of item 6 on the page): a moderator mutes and bans from the people list, and
// lifts both; the muted and the banned user see why, on their own pages; others get no such controls.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import { startServer, type RunningServer } from '../support/server';
import { signToken } from '../support/tokens';
import { ChatPage, launchBrowser } from './support/chat-page.driver';

const SECRET = 'room-moderation-secret-0123456789ab';

describe('#13 the page: moderation', () => {
  let server: RunningServer;
  let browser: Browser;
  const open = (user: string, room: string, transport: string, roles?: string[]) =>
    ChatPage.open(browser, server.url, { name: user, room, transport, token: signToken(user, SECRET, { expiresInSec: 600, ...(roles && { roles }) }) });

  before(async () => {
    server = await startServer({ AUTH_TOKEN_SECRET: SECRET });
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  test('a moderator mutes and unmutes, bans and unbans; the others see what it means for them', async () => {
    const bob = await open('bob', 'townhall', 'websocket');
    const cat = await open('cat', 'townhall', 'sse');
    const mod = await open('mod', 'townhall', 'socketio', ['moderator']);
    const pages = [bob, cat, mod];
    try {
      await bob.send('hello town');
      for (const page of pages) for (const user of ['bob', 'cat', 'mod']) await page.person(user).filter({ hasText: 'online' }).waitFor();
      assert.equal(await bob.person('cat').getByRole('button').count(), 0, 'no moderation controls without the role');
      assert.equal(await mod.person('mod').getByRole('button').count(), 0, 'nobody mutes or bans themselves');

      // Muting, by keyboard: the choice of lengths takes the focus, then the Unmute that replaces it.
      await mod.person('bob').getByRole('button', { name: 'Mute bob', exact: true }).press('Enter');
      const tenMinutes = mod.page.getByRole('button', { name: 'Mute bob for 10 minutes', exact: true });
      await tenMinutes.waitFor();
      assert.equal(await mod.page.evaluate(() => document.activeElement?.getAttribute('aria-label')), 'Mute bob for 10 minutes');
      await mod.page.keyboard.press('Enter');
      await mod.person('bob').filter({ hasText: 'muted' }).getByRole('button', { name: 'Unmute bob', exact: true }).waitFor();
      assert.equal(await mod.page.evaluate(() => document.activeElement?.getAttribute('aria-label')), 'Unmute bob');
      await mod.screenshot('moderation-muted');

      await bob.field('Message').fill('can I still speak?');
      await bob.sendButton.click();
      await bob.page.getByRole('alert').filter({ hasText: /You are muted in this room/ }).waitFor();
      await mod.person('bob').getByRole('button', { name: 'Unmute bob', exact: true }).click();
      await mod.person('bob').getByRole('button', { name: 'Mute bob', exact: true }).waitFor();
      await bob.send('thank you');
      await mod.waitForMessage('thank you');
      assert.equal(await mod.items.filter({ hasText: 'can I still speak?' }).count(), 0, 'nothing said while muted got through');

      // Banning asks first; the banned user's page says so and stops showing the room.
      await mod.person('cat').getByRole('button', { name: 'Ban cat from the room', exact: true }).click();
      await mod.page.getByRole('button', { name: 'Confirm ban', exact: true }).click();
      await cat.page.getByRole('alert').filter({ hasText: /banned/ }).waitFor();
      await mod.person('cat').filter({ hasText: 'banned' }).getByRole('button', { name: 'Unban cat', exact: true }).waitFor();
      await bob.person('cat').waitFor({ state: 'detached' });
      await bob.send('cat cannot read this');
      await mod.waitForMessage('cat cannot read this');
      assert.equal(await cat.items.filter({ hasText: 'cat cannot read this' }).count(), 0);

      await mod.person('cat').getByRole('button', { name: 'Unban cat', exact: true }).click();
      await mod.person('cat').waitFor({ state: 'detached' });
      await cat.page.getByRole('button', { name: 'Connect', exact: true }).click();
      await cat.waitForMessage('cat cannot read this');
      await cat.waitConnected();
      await mod.person('cat').filter({ hasText: 'online' }).waitFor();
      for (const page of pages) assert.deepEqual(page.errors, []);
    } finally {
      for (const page of pages) await page.close();
    }
  });
});
