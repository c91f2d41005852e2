// #10 (item 3): a session whose token's `exp` passes is ended: STOMP gets ERROR `token expired` and a close,
// an SSE stream ends, /ws/chat closes with 1008. The client reconnects with a fresh token.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SseClient } from '../http/sse-client';
import { WsClient } from '../http/ws-client';
import { RawStomp } from '../support/raw-stomp';
import { startServer, type RunningServer } from '../support/server';
import { signToken } from '../support/tokens';

const SECRET = 'token-expiry-test-secret-0123456789';
/** JWT `exp` has whole seconds: a token for 2 s expires 1 to 2 s from now. */
const SHORT = { expiresInSec: 2 };
let server: RunningServer;

before(async () => {
  server = await startServer({ AUTH_TOKEN_SECRET: SECRET });
});
after(async () => void (await server.stop()));

describe('token expiry (#10)', () => {
  it('ends a STOMP session with ERROR "token expired", then a close; a long-lived one stays', async () => {
    const short = await RawStomp.open(`${server.wsUrl}/chat`);
    await short.connect({ passcode: signToken('alice', SECRET, SHORT), 'heart-beat': '0,0' });
    const long = await RawStomp.open(`${server.wsUrl}/chat`);
    await long.connect({ passcode: signToken('bob', SECRET), 'heart-beat': '0,0' });
    const started = Date.now();
    const error = await short.expectErrorAndClose(5_000);
    assert.equal(error.headers.get('message'), 'token expired');
    assert.ok(Date.now() - started < 3_000);
    long.send('SUBSCRIBE\nid:1\ndestination:/topic/still-here\nreceipt:r\n\n\0');
    await long.command('RECEIPT');
    long.close();
  });

  it('ends an SSE stream', async () => {
    const stream = await SseClient.open(`${server.url}/sse/rooms/expiry?access_token=${signToken('alice', SECRET, SHORT)}`);
    assert.equal(stream.status, 200);
    const started = Date.now();
    await stream.waitForEnd();
    assert.ok(Date.now() - started < 3_000);
  });

  it('closes /ws/chat with 1008', async () => {
    const client = await WsClient.open(`${server.wsUrl}/ws/chat?room=expiry&access_token=${signToken('alice', SECRET, SHORT)}`);
    assert.equal(await client.waitForClose(), 1008);
  });
});
