// #10 item 4: one client's SEND with a header RabbitMQ refuses (user-id, priority, ...) must not cost the
// node its one shared relay connection. Real server, real RabbitMQ (BROKER_RELAY), raw STOMP clients.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { RawStomp, frameText as f } from '../support/raw-stomp';
import { startServer, type RunningServer } from '../support/server';

const RELAY = process.env.BROKER_RELAY || 'stomp://guest:guest@127.0.0.1:61613';
let node: RunningServer;

before(async () => {
  node = await startServer({ BROKER_RELAY: RELAY, RATE_LIMIT_PER_SEC: '0' }, 60_000);
});
after(() => node?.stop());

async function client(): Promise<RawStomp> {
  const c = await RawStomp.open(`${node.wsUrl}/chat`);
  await c.connect({ 'heart-beat': '0,0' });
  return c;
}

/** Each of these, forwarded as is, makes RabbitMQ 3.10 answer ERROR and close the connection. */
const REFUSED_BY_RABBIT: Record<string, string> = {
  'user-id': 'somebody',
  priority: 'high',
  expiration: 'soon',
  'reply-to': '/bad/x',
  timestamp: 'yesterday',
  'message-id': 'zz',
  'x-message-ttl': 'abc',
};

describe('relay: client headers never cost the shared connection (#10)', { timeout: 60_000 }, () => {
  it('a live subscriber gets every message while another client sends user-id SENDs every few ms; /health stays 200', async () => {
    const topic = `/topic/hdr-${randomBytes(4).toString('hex')}`;
    const subscriber = await client();
    subscriber.send(f('SUBSCRIBE', { id: 's', destination: topic, receipt: 'sub' }));
    await subscriber.command('RECEIPT');
    const attacker = await client();
    const sender = await client();

    const health: number[] = [];
    const polling = setInterval(() => {
      void fetch(`${node.url}/health`).then((r) => health.push(r.status), () => health.push(0));
    }, 50);
    let attacks = 0;
    const attacking = setInterval(() => {
      attacks++;
      attacker.send(f('SEND', { destination: topic, 'content-type': 'text/plain', note: 'kept', ...REFUSED_BY_RABBIT }, `attack ${attacks}`));
    }, 5);
    const total = 60;
    for (let i = 1; i <= total; i++) {
      sender.send(f('SEND', { destination: topic, 'content-type': 'text/plain' }, `m${i}`));
      await new Promise((r) => setTimeout(r, 25));
    }
    clearInterval(attacking);
    await subscriber.next((x) => x.body.toString() === `m${total}`, 10_000);
    await subscriber.next((x) => x.body.toString() === `attack ${attacks}`, 10_000);
    clearInterval(polling);
    await new Promise((r) => setTimeout(r, 100));

    const bodies = subscriber.frames.filter((x) => x.command === 'MESSAGE').map((x) => x.body.toString());
    assert.deepEqual(bodies.filter((b) => b.startsWith('m')), Array.from({ length: total }, (_, i) => `m${i + 1}`));
    assert.equal(bodies.filter((b) => b.startsWith('attack')).length, attacks, 'the attacker\'s messages are delivered too, once each');
    assert.ok(attacks > 100, `attacked ${attacks} times`);
    const attack = subscriber.frames.find((x) => x.body.toString().startsWith('attack'))!;
    for (const name of Object.keys(REFUSED_BY_RABBIT)) {
      if (name !== 'message-id') assert.equal(attack.headers.get(name), undefined, `${name} is not forwarded`);
    }
    assert.notEqual(attack.headers.get('message-id'), 'zz', 'message-id is the server\'s own');
    assert.equal(attack.headers.get('note'), 'kept', 'a custom application header travels');
    assert.equal(attack.headers.get('content-type'), 'text/plain');

    assert.ok(health.length > 20, `polled /health ${health.length} times`);
    assert.deepEqual([...new Set(health)], [200], 'every /health answer was 200');
    const report = await (await fetch(`${node.url}/health`)).json();
    assert.doesNotMatch(report.broker.detail ?? '', /lost/, 'the relay connection was never lost');
    for (const c of [subscriber, attacker, sender]) c.close();
  });
});
