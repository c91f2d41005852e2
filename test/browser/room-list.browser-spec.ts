// #13 item 8: the page's room list: unread badges that count and clear, creating public and private
// rooms, joining by name, and a private room that a non-member neither sees nor reads.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import { startServer, type RunningServer } from '../support/server';
import { signToken } from '../support/tokens';
import { ChatPage, launchBrowser } from './support/chat-page.driver';

const SECRET = 'room-list-secret-0123456789abcdef0';

describe('#13 the page: rooms', () => {
  let server: RunningServer;
  let browser: Browser;
  const open = (user: string, room: string, transport = 'websocket') =>
    ChatPage.open(browser, server.url, { name: user, room, transport, token: signToken(user, SECRET, { expiresInSec: 600 }) });

  before(async () => {
    server = await startServer({ AUTH_TOKEN_SECRET: SECRET });
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  test('unread badges count what came while away and clear once read', async () => {
    const ann = await open('ann', 'town');
    const bob = await open('bob', 'news', 'sse');
    try {
      await ann.send('anyone around?');
      for (const text of ['one', 'two', 'three']) await bob.send(`news ${text}`);
      await ann.roomButton('news').filter({ hasText: '3 unread' }).waitFor({ timeout: 15_000 });
      assert.equal(await ann.roomButton('town').getAttribute('aria-current'), 'true');
      await ann.screenshot('unread-badge');

      await ann.roomButton('news').click();
      await ann.waitForMessage('news three');
      await ann.waitConnected();
      assert.equal(await ann.roomButton('news').getAttribute('aria-current'), 'true');
      await bob.send('news four');
      await ann.waitForMessage('news four');
      assert.equal(await ann.roomButton('news').filter({ hasText: 'unread' }).count(), 0, 'no badge on the room being read');

      await ann.roomButton('town').click();
      await ann.waitForMessage('anyone around?');
      // One new message is one unread, not five: what ann was shown in news was marked read.
      await bob.send('news five');
      await ann.roomButton('news').filter({ hasText: '1 unread' }).waitFor({ timeout: 15_000 });
      // bob's own messages are never unread for him.
      await bob.roomButton('town').filter({ hasText: '1 unread' }).waitFor({ timeout: 15_000 });
      assert.deepEqual(ann.errors, []);
    } finally {
      await ann.close();
      await bob.close();
    }
  });

  test('a private room: created from the form, invisible and unreadable to others until they are added', async () => {
    const ann = await open('ann', 'start');
    const bob = await open('bob', 'start', 'sse');
    try {
      const form = ann.page.getByRole('form', { name: 'Create or join a room' });
      await form.getByRole('textbox', { name: 'Room name', exact: true }).fill('secret');
      await form.getByRole('checkbox', { name: 'Private' }).check();
      await form.getByRole('button', { name: 'Create', exact: true }).click();
      await ann.roomButton('secret').filter({ hasText: 'private' }).waitFor();
      assert.equal(await ann.field('Room').inputValue(), 'secret', 'the new room is shown');
      await ann.waitConnected();
      await ann.send('top secret');
      await ann.person('ann').filter({ hasText: 'owner' }).waitFor();

      // A public room made after it shows up in bob's list; the private one does not.
      await ann.field('Room').fill('open-plaza');
      await ann.field('Room').press('Enter');
      await ann.send('the plaza is open');
      await bob.roomButton('open-plaza').waitFor({ timeout: 15_000 });
      assert.equal(await bob.roomButton('secret').count(), 0, 'a non-member does not see the private room');

      // Asking for it by name shows nothing of it.
      await bob.field('Room').fill('secret');
      await bob.field('Room').press('Enter');
      await bob.page.getByRole('alert').filter({ hasText: /.+/ }).waitFor();
      assert.equal(await bob.items.count(), 0);
      assert.equal(await bob.people.count(), 0, 'nor who is in it');
      await bob.screenshot('private-refused');

      // The owner adds bob; the room appears in his list and opens.
      await ann.roomButton('secret').click();
      await ann.waitConnected();
      const add = ann.page.getByRole('form', { name: 'Add a member' });
      await add.getByRole('textbox', { name: 'Add member', exact: true }).fill('bob');
      await add.getByRole('button', { name: 'Add', exact: true }).click();
      await ann.person('bob').filter({ hasText: 'offline' }).waitFor();
      await bob.roomButton('secret').waitFor({ timeout: 15_000 });
      await bob.roomButton('secret').click();
      await bob.waitForMessage('top secret');
      await ann.person('bob').filter({ hasText: 'online' }).waitFor();
      assert.deepEqual(ann.errors, []);
      assert.deepEqual(bob.errors, []);
    } finally {
      await ann.close();
      await bob.close();
    }
  });

  test('a public room: created, then joined by name from another page; mistakes are explained', async () => {
    const cat = await open('cat', 'porch');
    const dan = await open('dan', 'porch', 'socketio');
    try {
      const form = (page: ChatPage) => page.page.getByRole('form', { name: 'Create or join a room' });
      const name = (page: ChatPage) => form(page).getByRole('textbox', { name: 'Room name', exact: true });
      await name(cat).fill('garden');
      await name(cat).press('Enter');
      await cat.roomButton('garden').waitFor();
      await cat.waitConnected();
      await cat.person('cat').filter({ hasText: 'owner' }).waitFor();

      await name(dan).fill('garden');
      await form(dan).getByRole('button', { name: 'Create', exact: true }).click();
      await form(dan).getByRole('alert').filter({ hasText: 'That room exists already; join it instead.' }).waitFor();
      await name(dan).fill('not a room name');
      await form(dan).getByRole('button', { name: 'Join', exact: true }).click();
      await form(dan).getByRole('alert').filter({ hasText: /letters, digits/ }).waitFor();
      assert.equal(await name(dan).getAttribute('aria-invalid'), 'true');

      await name(dan).fill('garden');
      await form(dan).getByRole('button', { name: 'Join', exact: true }).click();
      await dan.roomButton('garden').and(dan.page.locator('[aria-current="true"]')).waitFor();
      await dan.waitConnected();
      await dan.page.getByRole('button', { name: 'Leave room', exact: true }).waitFor();
      await cat.person('dan').filter({ hasText: 'online' }).waitFor();
      assert.equal(await form(dan).getByRole('alert').count(), 0, 'the mistakes are gone once it worked');
    } finally {
      await cat.close();
      await dan.close();
    }
  });
});
