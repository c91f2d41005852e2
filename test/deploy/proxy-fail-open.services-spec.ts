// #12: a RabbitMQ outage makes every node unready at once (/health/ready 503). The proxy of
// deploy/proxy/haproxy.cfg then keeps serving from the nodes that are alive, instead of answering 503
// to everybody: the nodes still serve pages and history and store posts while the relay is away.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { httpsRequest, postThroughProxy, startTopology, until, type Topology } from './support/proxy-topology';
import { TcpLink } from './support/tcp-link';

const RABBITMQ_STOMP_PORT = 61613;

/** HAProxy logs each change of a server's state; counts how often `server` went to `state`. */
function transitions(topology: Topology, server: string, state: 'UP' | 'DOWN'): number {
  return topology.proxyOutput().split('\n').filter((line) => line.includes(`Server ${server} is ${state}`)).length;
}

describe('the proxy when no node is ready: it fails open to the live nodes', () => {
  let relay: TcpLink;
  let topology: Topology;

  before(async () => {
    // Both nodes reach RabbitMQ through one link the test can cut.
    relay = await TcpLink.open(RABBITMQ_STOMP_PORT);
    topology = await startTopology(() => ({ BROKER_RELAY: `stomp://guest:guest@127.0.0.1:${relay.port}` }));
  });
  after(async () => {
    await topology?.stop();
    await relay?.close();
  });

  test('with the relay cut from both nodes, pages, history and posts are still served through the proxy', async (t) => {
    // The fail-open servers track /health/live (docs/http.md, Operations); until the nodes serve it the
    // proxy has no fail-open tier, which is the behaviour this test refutes.
    if ((await fetch(`${topology.nodes['chat-1'].url}/health/live`)).status === 404) {
      t.skip('the nodes do not serve /health/live yet (#12 item 2)');
      return;
    }
    const room = `failopen-${Date.now().toString(36)}`;
    const before = await postThroughProxy(topology, room, 'before the outage');
    const log = () => topology.proxyOutput().slice(-4000);

    await relay.cut();
    for (const node of Object.values(topology.nodes)) {
      await until(`node ${node.port} to report not ready`, async () => (await fetch(`${node.url}/health`)).status === 503, 30_000);
    }
    await until('HAProxy to take both nodes out of the ready servers', () =>
      transitions(topology, 'chat/chat-1', 'DOWN') > 0 && transitions(topology, 'chat/chat-2', 'DOWN') > 0, 20_000, log);

    const page = await httpsRequest(topology, '/');
    assert.equal(page.status, 200, 'the chat page');
    assert.match(page.body, /<html/i);
    const health = await httpsRequest(topology, '/health');
    assert.equal(health.status, 503, 'a node answers, and says it is not ready');
    assert.match(health.body, /"broker":\{"status":"down"/);
    assert.match(String(health.headers['x-chat-node']), /^chat-[12]$/);
    const during = await postThroughProxy(topology, room, 'during the outage');
    assert.ok(during.id > before.id, 'the post was stored');
    const history = await httpsRequest(topology, `/api/rooms/${room}/messages`);
    assert.equal(history.status, 200);
    assert.deepEqual((JSON.parse(history.body) as { text: string }[]).map((m) => m.text), ['before the outage', 'during the outage']);

    await relay.restore();
    await until('HAProxy to take both nodes back as ready', () =>
      transitions(topology, 'chat/chat-1', 'UP') > 0 && transitions(topology, 'chat/chat-2', 'UP') > 0, 60_000, log);
    const ready = await httpsRequest(topology, '/health');
    assert.equal(ready.status, 200, ready.body);
  });
});
