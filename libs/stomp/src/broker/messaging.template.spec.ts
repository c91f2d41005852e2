import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { BrokerMessage } from './broker-message';
import { MessagingTemplate } from './messaging.template';
import { SimpleBroker } from './simple.broker';
import { UserDestinations } from '../user/user-destinations';
import { UserSessionRegistry } from '../user/user-session.registry';

function setup() {
  const broker = new SimpleBroker();
  const template = new MessagingTemplate(broker, new UserDestinations(new UserSessionRegistry()));
  const got: BrokerMessage[] = [];
  broker.subscribe({ sessionId: 's', deliver: (m) => got.push(m) }, 'x', '/topic/t');
  return { template, got };
}

describe('MessagingTemplate', () => {
  it('sends objects as JSON', () => {
    const { template, got } = setup();
    template.convertAndSend('/topic/t', { from: 'ann', text: 'hi' });
    assert.equal(got[0].body.toString(), '{"from":"ann","text":"hi"}');
    assert.equal(got[0].headers.get('content-type'), 'application/json');
    assert.equal(got[0].isText, true);
  });

  it('sends strings as UTF-8 text', () => {
    const { template, got } = setup();
    template.convertAndSend('/topic/t', 'héllo');
    assert.deepEqual(got[0].body, Buffer.from('héllo', 'utf8'));
    assert.equal(got[0].headers.get('content-type'), 'text/plain;charset=UTF-8');
  });

  it('sends Buffers as they are, as octet-stream', () => {
    const { template, got } = setup();
    const bytes = Buffer.from([0xff, 0x00, 0xfe]);
    template.convertAndSend('/topic/t', bytes);
    assert.deepEqual(got[0].body, bytes);
    assert.equal(got[0].headers.get('content-type'), 'application/octet-stream');
    assert.equal(got[0].isText, false);
  });

  it('adds caller headers, and a caller content-type wins', () => {
    const { template, got } = setup();
    template.convertAndSend('/topic/t', [1, 2], { 'chat-id': '7', 'content-type': 'application/vnd.x+json' });
    template.convertAndSend('/topic/t', 'x', new Map([['chat-id', '8']]));
    assert.equal(got[0].body.toString(), '[1,2]');
    assert.equal(got[0].headers.get('chat-id'), '7');
    assert.equal(got[0].headers.get('content-type'), 'application/vnd.x+json');
    assert.equal(got[1].headers.get('chat-id'), '8');
  });

  it('refuses what cannot become a message, with a clear error', () => {
    const { template, got } = setup();
    assert.throws(() => template.convertAndSend('/topic/t', undefined as never), /cannot convert/);
    assert.throws(() => template.convertAndSend('', 'x'), /destination/);
    assert.throws(() => template.convertAndSendToUser('', '/queue/x', 'x'), /user/);
    assert.throws(() => template.convertAndSendToUser('bob', '/topic/x', 'x'), /queue/);
    assert.equal(got.length, 0);
  });
});
