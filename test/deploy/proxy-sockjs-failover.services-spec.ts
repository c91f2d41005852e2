// #12: the compose file's topology run from Debian's packages (see proxy-topology.services-spec.ts):
// a page on a SockJS polling transport keeps its session on one node through the proxy, and when that
// node is killed (-9) the page reconnects through the proxy to the other and shows every message once.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { chromium, type Browser } from 'playwright-core';
import { CHROMIUM_PATH, ChatPage, countOf } from '../browser/support/chat-page.driver';
import { CHROMIUM_FLAGS, recordSockJs } from './support/browser';
import { NODE_NAMES, postThroughProxy, startTopology, until, type NodeName, type Topology } from './support/proxy-topology';

describe('the deployment topology: SockJS sessions through HAProxy (deploy/proxy/haproxy.cfg)', () => {
  let topology: Topology;
  let browser: Browser;

  before(async () => {
    topology = await startTopology();
    browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_FLAGS });
  });
  after(async () => {
    await browser?.close();
    await topology?.stop();
  });

  test('a page on SockJS xhr-polling keeps its session on one node', async () => {
    const room = `sticky-${Date.now().toString(36)}`;
    const ann = await ChatPage.open(browser, topology.publicUrl, { name: 'ann', room, transport: 'sockjs-xhr-polling', ignoreHTTPSErrors: true });
    const served = recordSockJs(ann.page);
    const restNodes = new Set<string>();
    const expected: string[] = [];
    try {
      for (let i = 1; i <= 6; i++) {
        const rest = `rest ${i} to ann`;
        restNodes.add((await postThroughProxy(topology, room, rest)).node);
        await ann.waitForMessage(rest);
        await ann.send(`ann says ${i}`);
        await ann.waitForMessage(`ann says ${i}`);
        expected.push(rest, `ann says ${i}`);
      }
      const sessions = new Set(served.map((s) => s.session));
      const nodes = new Set(served.map((s) => s.node));
      assert.ok(served.filter((s) => s.transport === 'xhr').length >= 6, `polls seen: ${JSON.stringify(served)}`);
      assert.ok(served.filter((s) => s.transport === 'xhr_send').length >= 6, `sends seen: ${JSON.stringify(served)}`);
      assert.equal(sessions.size, 1, `one SockJS session all along: ${[...sessions].join(', ')}`);
      assert.equal(nodes.size, 1, `one node all along: ${[...nodes].join(', ')}`);
      assert.ok(NODE_NAMES.includes([...nodes][0] as NodeName));
      assert.deepEqual(served.filter((s) => s.status !== 200 && s.status !== 204), [], 'no failed SockJS request');
      const texts = await ann.texts();
      assert.equal(texts.length, expected.length, JSON.stringify(texts));
      expected.forEach((fragment, i) => assert.ok(texts[i].includes(fragment), `item ${i} is "${fragment}", got "${texts[i]}"`));
      assert.deepEqual(ann.errors, []);
      console.log(`# sticky: ${served.length} SockJS requests, all on ${[...nodes][0]}; REST posts landed on ${[...restNodes].join(', ')}`);
    } finally {
      await ann.close();
    }
  });

  test('kill -9 of the page\'s node: the page reconnects through the proxy to the other and shows every message once', async () => {
    const room = `failover-${Date.now().toString(36)}`;
    const ann = await ChatPage.open(browser, topology.publicUrl, { name: 'ann', room, transport: 'sockjs-xhr-polling', ignoreHTTPSErrors: true });
    const served = recordSockJs(ann.page);
    try {
      await postThroughProxy(topology, room, 'before 1');
      await ann.waitForMessage('before 1');
      await ann.send('before 2 from ann');
      await ann.waitForMessage('before 2 from ann');
      const victim = served.at(-1)!.node as NodeName;
      const survivor = NODE_NAMES.find((n) => n !== victim)!;
      assert.ok(NODE_NAMES.includes(victim), `the page's node: ${victim}`);

      await topology.nodes[victim].kill();
      const killedAt = Date.now();
      // Posts keep being taken while the page's node is dead: the proxy sends them to the survivor.
      for (const text of ['while down 1', 'while down 2', 'while down 3']) {
        assert.equal((await postThroughProxy(topology, room, text)).node, survivor);
      }
      // The page notices, reconnects through the proxy, gets a session on the survivor, and catches up.
      await until('a SockJS answer from the surviving node', () => served.some((s) => s.at > killedAt && s.node === survivor && s.status === 200), 40_000);
      await ann.waitConnected(30_000);
      await ann.waitForMessage('while down 3', 20_000);
      await ann.send('after from ann');
      await postThroughProxy(topology, room, 'after from rest');
      await ann.waitForMessage('after from rest');

      const expected = ['before 1', 'before 2 from ann', 'while down 1', 'while down 2', 'while down 3', 'after from ann', 'after from rest'];
      const texts = await ann.texts();
      assert.equal(texts.length, expected.length, `one item per message, got ${JSON.stringify(texts)}`);
      expected.forEach((fragment, i) => assert.ok(texts[i].includes(fragment), `item ${i} is "${fragment}", got "${texts[i]}"`));
      for (const fragment of expected) assert.equal(await countOf(ann, fragment), 1, fragment);
      const after = served.filter((s) => s.at > killedAt && s.status === 200);
      assert.ok(after.length > 0 && after.every((s) => s.node === survivor), `after the kill: ${JSON.stringify(after)}`);
      assert.deepEqual(ann.errors, []);
      await ann.screenshot('deploy-failover');
    } finally {
      await ann.close();
    }
  });
});
