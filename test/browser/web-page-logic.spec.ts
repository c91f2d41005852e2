// Unit tier (no browser): the page's pure pieces, compiled from apps/web/src by the root tsc, and the
// client library's backoff the page reconnects with.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MessageLog } from '../../apps/web/src/message-log';
import { backoffDelay } from '../../libs/chat-client/src';
import { validateOutgoing, validateRoom, type ChatMessage } from '../../apps/web/src/chat-message';
import { TRANSPORTS, isTransportKind } from '../../apps/web/src/transports/transport';

const msg = (id: number): ChatMessage => ({ id, room: 'r', from: 'a', text: `m${id}`, sentAt: '', time: '' });

test('the message log keeps ids in order and refuses repeats', () => {
  const log = new MessageLog();
  assert.equal(log.add(msg(5)), 0);
  assert.equal(log.add(msg(7)), 1);
  assert.equal(log.add(msg(6)), 1, 'an older message arriving late goes between its neighbours');
  assert.equal(log.add(msg(1)), 0);
  assert.equal(log.add(msg(7)), undefined, 'a replayed message is shown once');
  assert.equal(log.add(msg(5)), undefined);
  assert.equal(log.size, 4);
  log.clear();
  assert.equal(log.add(msg(7)), 0, 'a cleared log (another room) accepts ids again');
});

test('backoff grows exponentially, is capped and jittered within [ceiling/2, ceiling]', () => {
  assert.equal(backoffDelay(0, () => 0), 250);
  assert.equal(backoffDelay(0, () => 1), 500);
  assert.equal(backoffDelay(3, () => 1), 4000);
  assert.equal(backoffDelay(10, () => 1), 10_000);
  assert.equal(backoffDelay(1000, () => 0.5), 7500);
  for (let attempt = 0; attempt < 12; attempt++) {
    const d = backoffDelay(attempt);
    assert.ok(d >= 250 && d <= 10_000, `attempt ${attempt} gave ${d}`);
  }
});

// Bodies off the wire are checked by the client library (test/client/wire.spec.ts).

test('outgoing input is checked the way the server checks it', () => {
  assert.equal(validateOutgoing('ann', 'hello'), undefined);
  assert.match(validateOutgoing('', 'hello') ?? '', /name/);
  assert.match(validateOutgoing('ann', '   ') ?? '', /message/);
  assert.match(validateOutgoing('ann', 'x'.repeat(4001)) ?? '', /4000/);
  assert.equal(validateOutgoing('ann', ` ${'x'.repeat(4000)} `), undefined, 'length counts after trimming');
  assert.equal(validateRoom('general_2-b'), undefined);
  assert.ok(validateRoom('no spaces'));
  assert.ok(validateRoom(''));
  assert.ok(validateRoom('x'.repeat(65)));
});

test('the transport picker offers exactly the contract names', () => {
  assert.deepEqual([...TRANSPORTS].sort(), [
    'long-polling', 'socketio', 'socketio-polling', 'sockjs', 'sockjs-eventsource', 'sockjs-htmlfile', 'sockjs-jsonp-polling',
    'sockjs-websocket', 'sockjs-xhr-polling', 'sockjs-xhr-streaming', 'sse', 'websocket',
  ]);
  assert.ok(isTransportKind('sse'));
  assert.ok(!isTransportKind('carrier-pigeon'));
});
