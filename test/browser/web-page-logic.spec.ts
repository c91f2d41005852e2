// Unit tier (no browser): the page's pure pieces, compiled from apps/web/src by the root tsc, and the
// client library's backoff the page reconnects with.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MessageLog, tombstoneOf } from '../../apps/web/src/message-log';
import { isModerator, readToken, tokenFromFragment } from '../../apps/web/src/identity';
import { peopleOf } from '../../apps/web/src/member-list';
import { typingSentence } from '../../apps/web/src/typing-line';
import { TYPING_DELAY_MS, TYPING_REPEAT_MS, TypingNotifier } from '../../apps/web/src/typing-notifier';
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

// #13 item 8: the pure pieces of the page's room features.
test('the log keeps the newest state of a message; a tombstone is final', () => {
  const log = new MessageLog();
  log.add(msg(1));
  assert.equal(log.oldest, 1);
  assert.equal(log.update({ ...msg(1), text: 'same time, no edit' }), false, 'only an edit (a later editedAt) changes a message');
  assert.equal(log.update({ ...msg(1), text: 'fixed', editedAt: '2024-01-01T00:00:02.000Z' }), true);
  assert.equal(log.update({ ...msg(1), text: 'older edit', editedAt: '2024-01-01T00:00:01.000Z' }), false, 'a late answer of an earlier edit does not win');
  assert.equal(log.get(1)?.text, 'fixed');
  assert.equal(log.update(tombstoneOf(log.get(1)!)), true);
  assert.deepEqual(log.get(1), { id: 1, room: 'r', from: 'a', sentAt: '', time: '', deleted: true, text: '' });
  assert.equal(log.update({ ...msg(1), text: 'back?', editedAt: '2024-01-01T00:00:09.000Z' }), false, 'a deleted message stays deleted');
  assert.equal(log.update(msg(99)), false, 'a message not shown is not added by an update');
});

test('the typing line names up to three typists', () => {
  assert.equal(typingSentence([]), '');
  assert.equal(typingSentence(['ann']), 'ann is typing…');
  assert.equal(typingSentence(['ann', 'bob']), 'ann and bob are typing…');
  assert.equal(typingSentence(['ann', 'bob', 'cat']), 'ann, bob and cat are typing…');
  assert.equal(typingSentence(['ann', 'bob', 'cat', 'dan']), '4 people are typing…');
});

test('typing is said after a moment, repeated every few seconds while the draft changes, and stopped once', (t) => {
  t.mock.timers.enable({ apis: ['setTimeout', 'Date'] });
  const said: boolean[] = [];
  const notifier = new TypingNotifier((typing) => said.push(typing));
  notifier.input('h');
  notifier.input('he');
  assert.deepEqual(said, [], 'a message sent at once never says typing');
  t.mock.timers.tick(TYPING_DELAY_MS);
  assert.deepEqual(said, [true]);
  notifier.input('hel');
  t.mock.timers.tick(TYPING_REPEAT_MS - 1);
  assert.deepEqual(said, [true], 'not again within the repeat time');
  t.mock.timers.tick(1);
  assert.deepEqual(said, [true, true]);
  notifier.stop();
  notifier.stop();
  assert.deepEqual(said, [true, true, false], 'stopped once');
  notifier.input('x');
  notifier.input('');
  t.mock.timers.tick(TYPING_DELAY_MS * 2);
  assert.deepEqual(said, [true, true, false], 'a draft cleared before the delay says nothing');
});

test('a token names the user and its roles; anything else is no token', () => {
  const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const token = `${b64({ alg: 'HS256' })}.${b64({ sub: 'zoë', roles: ['moderator', 7] })}.sig`;
  assert.deepEqual(readToken(token), { sub: 'zoë', roles: ['moderator'] });
  assert.equal(isModerator({ roles: ['moderator'] }), true);
  assert.equal(isModerator({ roles: ['admin'] }), true);
  assert.equal(isModerator({ roles: ['member'] }), false);
  assert.equal(readToken('not.a-token'), undefined);
  assert.equal(readToken(`${b64({})}.${b64({ roles: [] })}.x`), undefined, 'no sub, no user');
  assert.equal(tokenFromFragment('#access_token=abc.def.ghi&x=1'), 'abc.def.ghi');
  assert.equal(tokenFromFragment(''), undefined);
});

test('people: online first, then members away, alphabetical within', () => {
  const people = peopleOf([{ user: 'zed', role: 'owner' }, { user: 'amy', role: 'member' }], new Set(['zed', 'bob']));
  assert.deepEqual(people, [
    { user: 'bob', online: true },
    { user: 'zed', online: true, role: 'owner' },
    { user: 'amy', online: false, role: 'member' },
  ]);
});
