import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RelayUrlError, parseRelayUrl } from './relay-url';

describe('parseRelayUrl', () => {
  it('reads host, port, credentials and virtual host', () => {
    assert.deepEqual(parseRelayUrl('stomp://guest:guest@127.0.0.1:61613'), {
      host: '127.0.0.1', port: 61613, login: 'guest', passcode: 'guest', virtualHost: '/',
    });
    assert.deepEqual(parseRelayUrl('stomp://us%40er:p%3Ass@rabbit/chat'), {
      host: 'rabbit', port: 61613, login: 'us@er', passcode: 'p:ss', virtualHost: 'chat',
    });
    assert.equal(parseRelayUrl('stomp://rabbit:1234').login, undefined);
  });

  it('refuses anything that is not a stomp:// URL', () => {
    for (const bad of ['amqp://rabbit:5672', 'rabbit:61613', '', 'stomp://']) {
      assert.throws(() => parseRelayUrl(bad), RelayUrlError, bad);
    }
  });
});
