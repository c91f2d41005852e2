import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { applicationHeaders, isApplicationHeader } from './application-headers';
import { createMessage } from './broker-message';

// #10 item 4: the one allow-list of headers that travel with a message, for every broker.
describe('application headers', () => {
  it('admits content-type and lower-case hyphenated custom names', () => {
    for (const name of ['content-type', 'chat-id', 'note', 'trace-id', 'a1', 'user-target', 'x1-y']) {
      assert.equal(isApplicationHeader(name), true, name);
    }
  });

  it('refuses what STOMP or RabbitMQ give a meaning to, and every other shape of name', () => {
    const refused = [
      'user-id', 'priority', 'expiration', 'reply-to', 'timestamp', 'message-id', 'persistent', 'correlation-id',
      'destination', 'subscription', 'ack', 'id', 'receipt', 'transaction', 'content-length', 'redelivered',
      'x-message-ttl', 'x-note', 'amqp-message-id', 'authorization', 'login', 'passcode',
      'User-Id', 'Content-Type', 'under_score', 'trailing-', '-leading', 'double--hyphen', '1digit', '', 'a'.repeat(65),
      'sp ace', 'colon:', 'é', '__proto__',
    ];
    for (const name of refused) assert.equal(isApplicationHeader(name), false, name);
    assert.equal(isApplicationHeader('a'.repeat(64)), true);
  });

  it('is applied by createMessage, so no broker sees anything else', () => {
    const message = createMessage('/topic/x', 'hi', [['content-type', 'text/plain'], ['user-id', 'somebody'], ['note', 'a:b\nc']]);
    assert.deepEqual([...message.headers], [['content-type', 'text/plain'], ['note', 'a:b\nc']]);
    assert.deepEqual([...applicationHeaders(new Map([['priority', '1'], ['chat-id', '7']]))], [['chat-id', '7']]);
  });
});
