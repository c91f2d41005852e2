// #15 item 1: a second real STOMP-over-TCP client, stompit (Node), on STOMP_TCP_PORT and STOMP_TLS_PORT
// with identity required (AUTH_TOKEN_SECRET): the token in CONNECT passcode or an Authorization header,
// `from` is its sub, a bad or missing token is an ERROR, an expired one ends the session.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { request, type WireMessage } from '../http/http-client';
import { selfSigned, type SelfSigned } from '../support/self-signed';
import { startServer, type RunningServer } from '../support/server';
import { bearer, signToken } from '../support/tokens';
import { StompitClient, type StompitTarget } from './stompit-client';

const SECRET = 'stomp-tcp-test-secret-0123456789';
let tls: SelfSigned;
let server: RunningServer;

before(async () => {
  tls = selfSigned();
  server = await startServer({
    AUTH_TOKEN_SECRET: SECRET,
    STOMP_TCP_PORT: '0',
    STOMP_TLS_PORT: '0',
    TLS_CERT_FILE: tls.certFile,
    TLS_KEY_FILE: tls.keyFile,
  });
});
after(async () => {
  StompitClient.destroyAll();
  assert.equal(await server.stop(), 0);
  rmSync(tls.dir, { recursive: true, force: true });
});

const doors = (): [string, StompitTarget][] => [
  ['TCP', { port: server.tcpPort! }],
  ['TLS', { port: server.tlsPort!, ca: tls.cert }],
];

describe('#15 stompit over STOMP_TCP_PORT and STOMP_TLS_PORT, with tokens', () => {
  for (const [name, target] of [['TCP', 'tcp'], ['TLS', 'tls']] as const) {
    it(`over ${name}: identity from the token, receipts, since-id, DMs and errors`, async () => {
      const door = doors().find(([n]) => n === name)![1];
      const room = `stompit-${target}-${Date.now()}`;
      const dana = await StompitClient.open(door, { passcode: signToken('dana', SECRET) });
      // The other spelling the contract allows: a Bearer header on CONNECT.
      const eli = await StompitClient.open(door, { Authorization: `Bearer ${signToken('eli', SECRET)}` } as Record<string, string>);
      assert.equal(dana.connected.version, '1.2');

      await dana.subscribe('live', `/topic/rooms/${room}`);
      await dana.subscribe('errors', '/user/queue/errors');
      await dana.subscribe('dm', '/user/queue/messages');
      await eli.subscribe('dm', '/user/queue/messages');

      await dana.send(`/app/rooms/${room}`, JSON.stringify({ text: 'one', from: 'mallory' }));
      await dana.send(`/app/rooms/${room}`, JSON.stringify({ text: 'two' }), { 'client-message-id': 'c2' });
      await dana.send(`/app/rooms/${room}`, JSON.stringify({ text: 'two' }), { 'client-message-id': 'c2' });
      const live = await dana.messages<WireMessage>('live', 2);
      assert.deepEqual(live.map((m) => [m.from, m.text]), [['dana', 'one'], ['dana', 'two']], "from is the token's sub, whatever the body says");

      // eli resumes after the first: the second comes from the store, then a live one, each once.
      await eli.subscribe('resume', `/topic/rooms/${room}`, { 'since-id': String(live[0]!.id) });
      await eli.send(`/app/rooms/${room}`, JSON.stringify({ text: 'three' }));
      const resumed = await eli.messages<WireMessage>('resume', 2);
      assert.deepEqual(resumed.map((m) => m.text), ['two', 'three']);
      assert.equal(resumed[0]!.id, live[1]!.id);

      await dana.send('/app/dm/eli', JSON.stringify({ text: 'for eli' }));
      assert.deepEqual((await eli.messages('dm', 1)).map((m: any) => [m.from, m.text]), [['dana', 'for eli']]);
      assert.equal((await dana.messages('dm', 1))[0].text, 'for eli', "the sender's sessions get it too");

      dana.sendOnly(`/app/rooms/${room}`, '{"text":');
      const [error] = await dana.messages('errors', 1);
      assert.equal(error.error, 'bad-json');

      const rest = await request(`${server.url}/api/rooms/${room}/messages`, { headers: bearer(signToken('dana', SECRET)), ca: tls.cert });
      assert.equal(rest.status, 200);
      assert.deepEqual((rest.json() as WireMessage[]).map((m) => [m.id, m.text]), [[live[0]!.id, 'one'], [live[1]!.id, 'two'], [resumed[1]!.id, 'three']],
        'the same ids on REST; the retried client-message-id and the bad JSON stored nothing');
      await eli.disconnect();
      await dana.disconnect();
    });
  }

  for (const [why, headers, said] of [
    ['no token', {}, /^missing token/],
    ['a token signed with another key', { passcode: signToken('dana', 'another-secret-0123456789abc') }, /^invalid token/],
    ['not a token', { passcode: 'hunter2' }, /^invalid token/],
  ] as const) {
    it(`refuses ${why} with an ERROR frame and a close, on both doors`, async () => {
      for (const [, door] of doors()) {
        await assert.rejects(StompitClient.open(door, headers as Record<string, string>), (error: Error) => {
          assert.match(error.message, said);
          return true;
        });
      }
    });
  }

  it("ends a TCP session with ERROR 'token expired' when its token's exp passes", async () => {
    const short = await StompitClient.open({ port: server.tcpPort! }, { passcode: signToken('fay', SECRET, { expiresInSec: 1 }) });
    const ended = await new Promise<Error>((resolve) => short.client.once('error', resolve));
    assert.match(ended.message, /token expired/);
  });
});
