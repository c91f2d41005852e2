// #13 item 8: editing and deleting on the page (tombstones on every other page, over STOMP, SSE and
// Socket.IO), a moderator's delete of someone else's message, and older messages when scrolling up.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import { startServer, type RunningServer } from '../support/server';
import { bearer, signToken } from '../support/tokens';
import { ChatPage, launchBrowser } from './support/chat-page.driver';

const SECRET = 'message-edits-secret-0123456789abcd';
/** The list item of this message, whatever it shows now (its text goes while it is being edited). */
async function itemOf(page: ChatPage, text: string) {
  const id = await (await page.waitForMessage(text)).first().getAttribute('data-id');
  return page.items.and(page.page.locator(`[data-id="${id}"]`));
}

const token = (user: string, roles?: string[]) => signToken(user, SECRET, { expiresInSec: 600, ...(roles && { roles }) });

describe('#13 the page: edits, deletions, older messages', () => {
  let server: RunningServer;
  let browser: Browser;
  const open = (user: string, room: string, transport: string, roles?: string[]) =>
    ChatPage.open(browser, server.url, { name: user, room, transport, token: token(user, roles) });

  before(async () => {
    // Seeding a long history goes faster than the per-client rate limit allows.
    server = await startServer({ AUTH_TOKEN_SECRET: SECRET, RATE_LIMIT_PER_SEC: '0' });
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  test('the author edits and deletes; a moderator deletes another\'s message; every page shows it', async () => {
    const ann = await open('ann', 'edits', 'websocket');
    const bob = await open('bob', 'edits', 'sse');
    const mod = await open('mod', 'edits', 'socketio', ['moderator']);
    const pages = [ann, bob, mod];
    try {
      await ann.send('teh plan');
      for (const page of pages) await page.waitForMessage('teh plan');
      const mine = await itemOf(ann, 'teh plan');
      const hers = (await bob.waitForMessage('teh plan')).first();
      assert.equal(await hers.getByRole('button').count(), 0, 'no edit or delete on someone else\'s message');
      assert.equal(await (await mod.waitForMessage('teh plan')).getByRole('button', { name: 'Edit message' }).count(), 0, 'a moderator does not edit others');
      await (await mod.waitForMessage('teh plan')).getByRole('button', { name: 'Delete message by ann', exact: true }).waitFor();

      await mine.getByRole('button', { name: 'Edit message', exact: true }).click();
      const editor = mine.getByRole('textbox', { name: 'Edited message', exact: true });
      assert.equal(await editor.inputValue(), 'teh plan');
      await editor.fill('the plan');
      await editor.press('Enter');
      for (const page of pages) {
        const item = await page.waitForMessage('the plan');
        await item.filter({ hasText: 'edited' }).waitFor();
        assert.equal(await page.items.filter({ hasText: 'teh plan' }).count(), 0);
      }
      // After saving, the keyboard is back on the message's Edit button.
      assert.equal(await ann.page.evaluate(() => document.activeElement?.getAttribute('aria-label')), 'Edit message');
      await ann.screenshot('edited-message');

      await (await ann.waitForMessage('the plan')).getByRole('button', { name: 'Delete message', exact: true }).click();
      await ann.page.getByRole('button', { name: 'Confirm delete', exact: true }).click();
      for (const page of pages) {
        await page.items.filter({ hasText: 'This message was deleted.' }).waitFor();
        assert.equal(await page.items.filter({ hasText: 'the plan' }).count(), 0);
      }

      await bob.send('bob was here');
      const bobs = await mod.waitForMessage('bob was here');
      await bobs.getByRole('button', { name: 'Delete message by bob', exact: true }).click();
      await mod.page.getByRole('button', { name: 'Confirm delete', exact: true }).click();
      for (const page of pages) {
        await page.items.filter({ hasText: 'bob was here' }).waitFor({ state: 'detached' });
        await page.page.waitForFunction(() => document.querySelectorAll('#messages li.deleted').length === 2);
      }

      // History comes back as stored now: two tombstones where the messages were, ids continuous.
      await bob.page.reload();
      await bob.waitConnected();
      await bob.page.waitForFunction(() => document.querySelectorAll('#messages li').length === 2);
      assert.deepEqual((await bob.texts()).map((t) => t.includes('This message was deleted.')), [true, true]);
      await mod.screenshot('tombstones');
      for (const page of pages) assert.deepEqual(page.errors, []);
    } finally {
      for (const page of pages) await page.close();
    }
  });

  test('Escape ends an edit unsaved; Keep ends a delete unsaid', async () => {
    const ann = await open('ann', 'second-thoughts', 'websocket');
    try {
      await ann.send('keep me as I am');
      const item = await itemOf(ann, 'keep me as I am');
      await item.getByRole('button', { name: 'Edit message', exact: true }).click();
      const editor = item.getByRole('textbox', { name: 'Edited message', exact: true });
      await editor.fill('something else');
      await editor.press('Escape');
      await editor.waitFor({ state: 'detached' });
      assert.match(await item.innerText(), /keep me as I am/);
      assert.equal(await ann.page.evaluate(() => document.activeElement?.getAttribute('aria-label')), 'Edit message');

      await item.getByRole('button', { name: 'Delete message', exact: true }).click();
      await ann.page.getByRole('button', { name: 'Keep message', exact: true }).press('Enter');
      assert.match(await item.innerText(), /keep me as I am/);
      assert.equal(await ann.page.evaluate(() => document.activeElement?.getAttribute('aria-label')), 'Delete message');
      const stored = await (await fetch(`${server.url}/api/rooms/second-thoughts/messages`, { headers: bearer(token('ann')) })).json();
      assert.deepEqual(stored.map((m: { text: string; editedAt?: string }) => [m.text, m.editedAt]), [['keep me as I am', undefined]]);
    } finally {
      await ann.close();
    }
  });

  test('scrolling up loads older messages, page by page, in place, until the start', async () => {
    const room = 'long-story';
    for (let i = 1; i <= 120; i++) {
      const res = await fetch(`${server.url}/api/rooms/${room}/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...bearer(token('zoe')) },
        body: JSON.stringify({ text: `line ${i}.` }),
      });
      assert.equal(res.status, 201);
    }
    const ann = await open('ann', room, 'websocket');
    try {
      await ann.waitForMessage('line 120.');
      assert.equal(await ann.items.count(), 50, 'the latest 50 first');
      const scroller = ann.page.getByRole('main', { name: 'Conversation' });
      const older = ann.page.getByRole('button', { name: 'Load older messages' });
      await older.waitFor();

      // Where the reader is stays on screen while a page is added above it.
      await scroller.evaluate((el) => (el.scrollTop = 0));
      await ann.waitForMessage('line 21.');
      assert.equal(await ann.items.count(), 100);
      const box = await ann.items.filter({ hasText: 'line 71.' }).boundingBox();
      const view = await scroller.boundingBox();
      assert.ok(box && view && box.y >= view.y - 1 && box.y < view.y + view.height, 'the message that was at the top is still in view');

      await scroller.evaluate((el) => (el.scrollTop = 0));
      await ann.waitForMessage('line 1.');
      await ann.page.getByText('This is the start of the conversation.').waitFor();
      await older.waitFor({ state: 'hidden' });
      const texts = await ann.texts();
      assert.equal(texts.length, 120, 'each message once');
      texts.forEach((t, i) => assert.ok(t.includes(`line ${i + 1}.`), `item ${i} is line ${i + 1}: ${t}`));

      // A room with fewer messages than a page offers nothing older.
      await ann.field('Room').fill('short-story');
      await ann.field('Room').press('Enter');
      await ann.send('the only line');
      assert.equal(await older.isHidden(), true);
      assert.deepEqual(ann.errors, []);
    } finally {
      await ann.close();
    }
  });
});
