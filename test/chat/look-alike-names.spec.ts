// #10 item 9: look-alike names cannot pass for a signed-in user; bidi and zero-width characters are refused
// in names; a lone surrogate is normalized once, so the live copy equals the stored one; a `null` body is a
// client mistake (bad-json), not a logged stack trace.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { RawStomp, frameText as f } from '../support/raw-stomp';
import { startServer, type RunningServer } from '../support/server';

let server: RunningServer;
let signedIn: RawStomp;
let anon: RawStomp;
let seen = 0;

before(async () => {
  server = await startServer();
  signedIn = await RawStomp.open(`${server.wsUrl}/chat`);
  await signedIn.connect({ login: 'victim', 'heart-beat': '0,0' });
  anon = await RawStomp.open(`${server.wsUrl}/chat`);
  await anon.connect({ 'heart-beat': '0,0' });
  anon.send(f('SUBSCRIBE', { id: 'e', destination: '/user/queue/errors' }));
  anon.send(f('SUBSCRIBE', { id: 'm', destination: '/user/queue/messages', receipt: 'ready' }));
  await anon.command('RECEIPT');
});
after(async () => {
  signedIn.close();
  anon.close();
  assert.equal(await server.stop(), 0);
});

/** Sends a DM as the anonymous session and returns what came back to it: an error body or the DM itself. */
async function dmAs(from: string): Promise<{ error?: string; from?: string }> {
  const receipt = `r${seen}`;
  anon.send(f('SEND', { destination: '/app/dm/someone', receipt }, JSON.stringify({ from, text: 'wire money' })));
  const reply = await anon.next((x) => x.command === 'MESSAGE', 5_000, seen);
  seen = anon.frames.indexOf(reply) + 1;
  return JSON.parse(reply.body.toString()) as { error?: string; from?: string };
}

describe('#10 look-alike names and the signed-in user they imitate', () => {
  for (const [what, name] of [
    ['another case', 'Victim'],
    ['full-width letters', 'ｖｉｃｔｉｍ'],
    ['a Cyrillic і', 'v\u0456ctim'],
    ['Cyrillic с and і', 'vі\u0441tim'],
  ] as const) {
    it(`refuses a DM from ${what} (${JSON.stringify(name)})`, async () => {
      assert.equal((await dmAs(name)).error, 'invalid-from');
    });
  }

  for (const [what, name] of [
    ['a zero-width space', 'vic\u200btim'],
    ['an RTL override', '\u202emitciv'],
    ['a word joiner', 'victim\u2060'],
  ] as const) {
    it(`refuses ${what} in any name (${JSON.stringify(name)})`, async () => {
      assert.equal((await dmAs(name)).error, 'invalid-from');
      const res = await fetch(`${server.url}/api/rooms/names/messages`, {
        method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ from: name, text: 'hi' }),
      });
      assert.equal(res.status, 400);
      assert.equal(((await res.json()) as { error: string }).error, 'invalid-from');
    });
  }

  it('still lets an anonymous user pick a name nobody signed in has', async () => {
    assert.equal((await dmAs('victor')).from, 'victor');
    assert.equal((await dmAs('Вика')).from, 'Вика', 'Cyrillic names are fine in themselves');
  });
});

describe('#10 a lone surrogate in text', () => {
  it('is U+FFFD in the live message and in history alike', async () => {
    const c = await RawStomp.open(`${server.wsUrl}/chat`);
    await c.connect({ 'heart-beat': '0,0', login: 'sur' });
    c.send(f('SUBSCRIBE', { id: 's', destination: '/topic/rooms/surrogates', receipt: 'sub' }));
    await c.command('RECEIPT');
    // JSON can carry a lone surrogate as an escape; UTF-8 cannot carry it at all.
    c.send(f('SEND', { destination: '/app/rooms/surrogates', receipt: 'sent' }, '{"text":"a\\ud800b\\udc00c"}'));
    const live = JSON.parse((await c.command('MESSAGE')).body.toString()) as { id: number; text: string };
    const [stored] = (await (await fetch(`${server.url}/api/rooms/surrogates/messages`)).json()) as { id: number; text: string }[];
    assert.equal(live.text, 'a\ufffdb\ufffdc');
    assert.deepEqual({ id: stored!.id, text: stored!.text }, { id: live.id, text: live.text });
    c.close();
  });
});

describe('#10 a body that is not a JSON object', () => {
  it('gets bad-json on /user/queue/errors for every /app destination, and no stack trace in the log', async () => {
    for (const [destination, body] of [['/app/rooms/x', 'null'], ['/app/chat', '[1,2]'], ['/app/dm/someone', '"text"'], ['/app/rooms/x', '42']]) {
      anon.send(f('SEND', { destination, receipt: `bad${seen}` }, body!));
      const reply = await anon.next((x) => x.command === 'MESSAGE', 5_000, seen);
      seen = anon.frames.indexOf(reply) + 1;
      assert.equal((JSON.parse(reply.body.toString()) as { error: string }).error, 'bad-json', `${destination} ${body}`);
    }
    const res = await fetch(`${server.url}/api/rooms/x/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: 'null' });
    assert.equal(res.status, 400);
    assert.doesNotMatch(server.output(), /TypeError|\n\s+at /, 'a client mistake is not a server fault');
  });
});
