import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { StompCodecError, StompDecoder, createMessageTemplate, encodeFrame, frame, type StompVersion } from './index';

describe('createMessageTemplate', () => {
  const shared: [string, string][] = [['destination', '/topic/rooms/lobby'], ['content-type', 'application/json']];
  const body = Buffer.from('{"text":"h\u00e9"}\0tail');

  it('renders the same bytes as encodeFrame of the equivalent MESSAGE, for every version', () => {
    for (const version of ['1.0', '1.1', '1.2'] as StompVersion[]) {
      const template = createMessageTemplate(shared, body, version);
      for (const ack of [undefined, 'ack-1']) {
        const perSubscriber: [string, string][] = [['subscription', 'sub-0'], ['message-id', 'm-1']];
        if (ack !== undefined) perSubscriber.push(['ack', ack]);
        const expected = encodeFrame(frame('MESSAGE', [...perSubscriber, ...shared], body), version);
        assert.equal(template.render('sub-0', 'm-1', ack).toString('hex'), expected.toString('hex'), `${version} ack=${ack}`);
      }
    }
  });

  it('escapes per-subscriber headers per version and decodes to them', () => {
    const template = createMessageTemplate(shared, body, '1.2');
    const decoder = new StompDecoder({}, { commands: 'server' });
    const [message] = decoder.push(template.render('s:1\n', 'id\\2'));
    assert.equal(message.headers.get('subscription'), 's:1\n');
    assert.equal(message.headers.get('message-id'), 'id\\2');
    assert.equal(message.headers.get('content-length'), String(body.length));
    assert.deepEqual(message.body, body);
    assert.throws(() => createMessageTemplate(shared, body, '1.0').render('a\nb', 'm'), StompCodecError);
  });

  it('drops stale per-subscriber headers from the shared ones', () => {
    const template = createMessageTemplate([['subscription', 'old'], ['message-id', 'old'], ['ack', 'old'], ...shared], body, '1.2');
    const [message] = new StompDecoder({}, { commands: 'server' }).push(template.render('new', 'new'));
    assert.equal(message.headers.get('subscription'), 'new');
    assert.equal(message.headers.has('ack'), false);
  });

  it('renders independent buffers for each subscriber', () => {
    const template = createMessageTemplate(shared, body, '1.2');
    const a = template.render('a', '1');
    const b = template.render('b', '2');
    a.fill(0);
    assert.match(b.toString('latin1'), /^MESSAGE\nsubscription:b\nmessage-id:2\n/);
  });

  it('#14 shares one frame between subscribers with the same subscription id, equal to render()', () => {
    const template = createMessageTemplate(shared, body, '1.2');
    const first = template.shared('sub-0', 'm1');
    assert.equal(template.shared('sub-0', 'm1'), first, 'the same Buffer, not a copy');
    assert.deepEqual(first, template.render('sub-0', 'm1'));
    assert.notEqual(template.shared('sub-1', 'm1'), first);
    assert.deepEqual(template.shared('sub-1', 'm1'), template.render('sub-1', 'm1'));
    // Another message id is never answered from the cache.
    assert.deepEqual(template.shared('sub-0', 'm2'), template.render('sub-0', 'm2'));
  });

  it('#14 remembers a bounded number of subscription ids (a client naming every subscription differently)', () => {
    const template = createMessageTemplate(shared, body, '1.2');
    for (let i = 0; i < 100; i++) assert.deepEqual(template.shared(`s${i}`, 'm'), template.render(`s${i}`, 'm'));
    assert.notEqual(template.shared('s99', 'm'), template.shared('s99', 'm'), 'past the bound, rendered each time');
    assert.equal(template.shared('s0', 'm'), template.shared('s0', 'm'));
  });
});
