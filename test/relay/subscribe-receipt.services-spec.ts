// #12 item 3: a SUBSCRIBE's RECEIPT means the subscription is live on every node. Two real nodes on one
// RabbitMQ: the moment node A's RECEIPT arrives, node B sends, and A's subscriber must get it, every time
// (each round a destination no node has subscribed to before, so each round makes a new upstream subscription).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { frameText as f } from '../support/raw-stomp';
import type { RunningServer } from '../support/server';
import { startCluster, stompClient, type Cluster } from './support/cluster';

const ROUNDS = 50;
let cluster: Cluster;
let a: RunningServer;
let b: RunningServer;

before(async () => {
  cluster = await startCluster('receipt');
  [a, b] = cluster.nodes;
});

after(async () => cluster?.stop());

describe('#12 SUBSCRIBE RECEIPT means live on every node', { timeout: 240_000 }, () => {
  it(`#12 a plain /topic subscriber on A gets a SEND made on B right after its RECEIPT (${ROUNDS} rounds)`, async () => {
    const run = randomBytes(3).toString('hex');
    const onA = await stompClient(a);
    const onB = await stompClient(b);
    for (let i = 0; i < ROUNDS; i++) {
      const destination = `/topic/receipt-${run}-${i}`;
      onA.send(f('SUBSCRIBE', { id: `t${i}`, destination, receipt: `s${i}` }));
      await onA.next((x) => x.command === 'RECEIPT' && x.headers.get('receipt-id') === `s${i}`, 10_000);
      onB.send(f('SEND', { destination, 'content-type': 'text/plain' }, `round ${i}`));
      const m = await onA.next((x) => x.command === 'MESSAGE' && x.headers.get('subscription') === `t${i}`, 5_000)
        .catch(() => assert.fail(`round ${i}: the SEND on B after A's RECEIPT never reached A`));
      assert.equal(m.body.toString(), `round ${i}`);
      onA.send(f('UNSUBSCRIBE', { id: `t${i}` }));
    }
    onA.close();
    onB.close();
  });

  it(`#12 several SUBSCRIBEs and one RECEIPT at the end: all of them are live (${ROUNDS} rounds)`, async () => {
    const run = randomBytes(3).toString('hex');
    const onA = await stompClient(a);
    const onB = await stompClient(b);
    for (let i = 0; i < ROUNDS; i++) {
      const plain = `/topic/first-${run}-${i}`;
      const room = `receipt${run}r${i}`;
      // The first SUBSCRIBE asks for no receipt: the one at the end answers for both.
      onA.send(f('SUBSCRIBE', { id: `p${i}`, destination: plain }) + f('SUBSCRIBE', { id: `r${i}`, destination: `/topic/rooms/${room}`, receipt: `s${i}` }));
      await onA.next((x) => x.command === 'RECEIPT' && x.headers.get('receipt-id') === `s${i}`, 10_000);
      onB.send(f('SEND', { destination: plain, 'content-type': 'text/plain' }, `plain ${i}`));
      const posted = fetch(`${b.url}/api/rooms/${room}/messages`, {
        method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ from: 'bea', text: `room ${i}` }),
      });
      const m = await onA.next((x) => x.command === 'MESSAGE' && x.headers.get('subscription') === `p${i}`, 5_000)
        .catch(() => assert.fail(`round ${i}: the plain SEND on B after A's RECEIPT never reached A`));
      assert.equal(m.body.toString(), `plain ${i}`);
      const res = await posted;
      assert.equal(res.status, 201);
      const stored = (await res.json()) as { id: number };
      const r = await onA.next((x) => x.command === 'MESSAGE' && x.headers.get('subscription') === `r${i}`, 5_000)
        .catch(() => assert.fail(`round ${i}: the REST post on B after A's RECEIPT never reached A`));
      assert.equal(JSON.parse(r.body.toString()).id, stored.id);
      onA.send(f('UNSUBSCRIBE', { id: `p${i}` }) + f('UNSUBSCRIBE', { id: `r${i}` }));
    }
    onA.close();
    onB.close();
  });
});
