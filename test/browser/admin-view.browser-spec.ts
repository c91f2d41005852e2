// #15 item 8: the admin view at /admin, for tokens with the admin role: nodes, connections by door,
// rooms with people in them, the busiest rooms of the last minute, slow-consumer and rate-limit drops,
// recent refusals, live, in Chromium.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { RawStomp, frameText as f } from '../support/raw-stomp';
import { startServer, type RunningServer } from '../support/server';
import { signToken } from '../support/tokens';
import { launchBrowser } from './support/chat-page.driver';

const SECRET = 'admin-view-secret-0123456789abcdef012';
let server: RunningServer;
let browser: Browser;
before(async () => {
  server = await startServer({ AUTH_TOKEN_SECRET: SECRET });
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await server?.stop();
});

async function openAdmin(token: string): Promise<{ page: Page; errors: string[]; close: () => Promise<void> }> {
  const context = await browser.newContext();
  context.setDefaultTimeout(15_000);
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => { if (m.type() === 'error' && /Content Security Policy/i.test(m.text())) errors.push(m.text()); });
  await page.goto(`${server.url}/admin`);
  await page.getByLabel('Admin token', { exact: true }).fill(token);
  await page.getByRole('button', { name: 'Show' }).click();
  return { page, errors, close: () => context.close() };
}

const cellsOf = (page: Page, table: string) =>
  page.getByRole('table', { name: table }).locator('tbody tr').evaluateAll((trs) => trs.map((tr) => Array.from(tr.querySelectorAll("td")).map((td) => td.textContent ?? '')));

describe('#15 admin view', () => {
  it('shows live figures: a STOMP session in a room appears under its door and its room, a refused request under refusals', async () => {
    const { page, errors, close } = await openAdmin(signToken('root', SECRET, { roles: ['admin'] }));
    await page.getByRole('status').filter({ hasText: 'Live' }).waitFor();
    const stomp = await RawStomp.open(`${server.wsUrl}/chat`);
    await stomp.connect({ passcode: signToken('ann', SECRET), 'heart-beat': '0,0' });
    stomp.send(f('SUBSCRIBE', { id: 'r', destination: '/topic/rooms/adminroom', receipt: 'r' }));
    await stomp.command('RECEIPT');
    assert.equal((await fetch(`${server.url}/api/rooms/adminroom/messages`)).status, 401);

    await page.waitForFunction(() => document.querySelector('#doors')?.textContent?.includes('websocket'));
    await page.waitForFunction(() => document.querySelector('#rooms')?.textContent?.includes('adminroom'));
    await page.waitForFunction(() => document.querySelector('#refusals')?.textContent?.includes('401'));
    const doors = await cellsOf(page, 'Connections by door');
    const websocket = doors.find((row) => row[0] === 'websocket' && row[1] === 'stomp');
    assert.ok(websocket, JSON.stringify(doors));
    assert.equal(websocket![2], '1', 'one STOMP connection');
    assert.deepEqual((await cellsOf(page, 'Rooms')).find((r) => r[0] === 'adminroom'), ['adminroom', '1']);
    // Three messages stored in the room: the busiest-rooms table counts them per minute.
    for (const text of ['one', 'two', 'three']) {
      stomp.send(f('SEND', { destination: '/app/rooms/adminroom', receipt: `m-${text}` }, JSON.stringify({ text })));
      await stomp.next((x) => x.command === 'RECEIPT' && x.headers.get('receipt-id') === `m-${text}`);
    }
    await page.waitForFunction(() => document.querySelector('#busiest')?.textContent?.includes('adminroom3'));
    assert.deepEqual((await cellsOf(page, 'Busiest rooms (this node, last minute)'))[0], ['adminroom', '3']);
    const nodes = await cellsOf(page, 'Nodes');
    assert.equal(nodes.length, 1);
    assert.match(nodes[0]![0]!, /this one/);
    stomp.close();
    // Live: the connection count goes back to 0 without reloading the page.
    await page.waitForFunction(() => Array.from(document.querySelectorAll("#doors tr")).some((tr) => tr.textContent?.startsWith('websocketstomp0')));
    assert.deepEqual(errors, []);
    await close();
  });

  it('a token without the admin role sees nothing but the refusal', async () => {
    const { page, close } = await openAdmin(signToken('mallory', SECRET, { roles: ['moderator'] }));
    await page.getByRole('status').filter({ hasText: 'no admin role' }).waitFor();
    assert.equal(await page.locator('#overview').isHidden(), true);
    const api = await fetch(`${server.url}/api/admin/overview`, { headers: { authorization: `Bearer ${signToken('mallory', SECRET)}` } });
    assert.equal(api.status, 403);
    await close();
  });
});
