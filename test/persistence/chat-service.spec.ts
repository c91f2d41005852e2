import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ChatError, type StoredMessage } from '@app/chat';
import { openChat, Recorder } from './chat-test.helpers';

async function rejectsWith(promise: Promise<unknown>, code: string): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof ChatError, `expected ChatError, got ${String(error)}`);
    assert.equal(error.code, code);
    assert.ok(error.message.length > 10);
    return true;
  });
}

describe('ChatService posting', () => {
  it('refuses invalid input with a stable code, storing and publishing nothing', async () => {
    const f = await openChat();
    try {
      const seen = new Recorder(f.broker, '/topic/rooms/lobby');
      const cases: Array<[Parameters<typeof f.chat.post>[0], string]> = [
        [{ room: 'bad room', from: 'a', text: 'x' }, 'invalid-room'],
        [{ room: '', from: 'a', text: 'x' }, 'invalid-room'],
        [{ room: 'r'.repeat(65), from: 'a', text: 'x' }, 'invalid-room'],
        [{ room: 'lobby', from: 'a', text: '' }, 'invalid-text'],
        [{ room: 'lobby', from: 'a', text: ' \n\t ' }, 'invalid-text'],
        [{ room: 'lobby', from: 'a', text: 'x'.repeat(4001) }, 'invalid-text'],
        [{ room: 'lobby', from: 'a', text: 42 }, 'invalid-text'],
        [{ room: 'lobby', from: 'a', text: 'nul\u0000inside' }, 'invalid-text'],
        [{ room: 'lobby', from: '  ', text: 'x' }, 'invalid-from'],
        [{ room: 'lobby', text: 'x' }, 'invalid-from'],
        [{ room: 'lobby', from: 'é'.repeat(65), text: 'x' }, 'invalid-from'],
        [{ room: 'lobby', from: 'new\nline', text: 'x' }, 'invalid-from'],
        [{ room: 'lobby', from: 'a', text: 'x', clientMessageId: 'c'.repeat(65) }, 'invalid-client-message-id'],
      ];
      for (const [input, code] of cases) await rejectsWith(f.chat.post(input), code);
      assert.equal(new ChatError('invalid-text').status, 400);
      assert.deepEqual(await f.repository.latest('lobby', 10), []);
      assert.deepEqual(seen.messages, []);
      assert.equal(f.counter.transactions, 0);
    } finally {
      await f.close();
    }
  });

  it('accepts the limits exactly and stores text and sender trimmed', async () => {
    const f = await openChat();
    try {
      const long = await f.chat.post({ room: 'a_B-9', from: 'é'.repeat(64), text: `  ${'🙂'.repeat(4000)}  ` });
      assert.equal(long.text, '🙂'.repeat(4000));
      const trimmed = await f.chat.post({ room: 'a_B-9', from: '  bob  ', text: '\n hi \n' });
      assert.deepEqual([trimmed.from, trimmed.text], ['bob', 'hi']);
      assert.deepEqual((await f.chat.messages('a_B-9')).map((m) => m.text), ['🙂'.repeat(4000), 'hi']);
    } finally {
      await f.close();
    }
  });

  it('publishes the stored message once to /topic/rooms/{room} as JSON with chat-id', async () => {
    const f = await openChat();
    try {
      const seen = new Recorder(f.broker, '/topic/rooms/lobby');
      const stored = await f.chat.post({ room: 'lobby', from: 'alice', text: 'hello' });
      assert.equal(seen.messages.length, 1, 'published before post() resolves');
      const [message] = seen.messages;
      assert.equal(message.headers.get('content-type'), 'application/json');
      assert.equal(message.headers.get('chat-id'), String(stored.id));
      const hh = String(stored.sentAt.getHours()).padStart(2, '0');
      const mm = String(stored.sentAt.getMinutes()).padStart(2, '0');
      assert.deepEqual(JSON.parse(message.body.toString()), {
        id: stored.id,
        room: 'lobby',
        from: 'alice',
        text: 'hello',
        sentAt: stored.sentAt.toISOString(),
        time: `${hh}:${mm}`,
      });
    } finally {
      await f.close();
    }
  });

  it('takes the sender from the principal, whatever the body says', async () => {
    const f = await openChat();
    try {
      const stored = await f.chat.post({ room: 'lobby', from: 'mallory', text: 'hi' }, 'alice');
      const anonymous = await f.chat.post({ room: 'lobby', from: 'mallory', text: 'hi' });
      assert.equal(stored.from, 'alice');
      assert.equal(anonymous.from, 'mallory');
      assert.deepEqual((await f.chat.messages('lobby')).map((m) => m.from), ['alice', 'mallory']);
    } finally {
      await f.close();
    }
  });

  it('stores and publishes a client-message-id retry once, and the retry still succeeds', async () => {
    const f = await openChat();
    try {
      const lobby = new Recorder(f.broker, '/topic/rooms/lobby');
      const other = new Recorder(f.broker, '/topic/rooms/other');
      const post = (room: string, from: string) => f.chat.post({ room, from, text: 'once', clientMessageId: 'm-1' });
      const first = await post('lobby', 'alice');
      const [again, concurrent] = await Promise.all([post('lobby', 'alice'), post('lobby', 'alice')]);
      assert.equal(again.id, first.id);
      assert.equal(concurrent.id, first.id);
      const bob = await post('lobby', 'bob');
      const elsewhere = await post('other', 'alice');
      assert.equal(new Set([first.id, bob.id, elsewhere.id]).size, 3);
      assert.deepEqual(lobby.ids(), [first.id, bob.id]);
      assert.deepEqual(other.ids(), [elsewhere.id]);
      assert.equal((await f.chat.messages('lobby')).length, 2);
    } finally {
      await f.close();
    }
  });

  it('commits concurrent posts in far fewer transactions than posts, ids and publishes in order', async () => {
    const f = await openChat();
    try {
      const rooms = ['r0', 'r1', 'r2'];
      const recorders = rooms.map((room) => new Recorder(f.broker, `/topic/rooms/${room}`));
      const all = new Recorder(f.broker, '/topic/rooms/r0');
      const posts = 600;
      const stored = await Promise.all(
        Array.from({ length: posts }, (_, i) => f.chat.post({ room: rooms[i % 3], from: `u${i % 7}`, text: `m${i}` })),
      );
      const ids = stored.map((m) => m.id);
      assert.equal(new Set(ids).size, posts);
      // The queue is first-in first-out, so ids follow the order of the calls.
      assert.ok(ids.every((id, i) => i === 0 || id > ids[i - 1]), 'ids grow in call order');
      assert.ok(f.counter.transactions < posts / 10, `${f.counter.transactions} transactions for ${posts} posts`);
      assert.equal(f.chat.writerStats().batches, f.counter.transactions);
      for (const [k, recorder] of recorders.entries()) {
        assert.deepEqual(recorder.ids(), stored.filter((m) => m.room === rooms[k]).map((m) => m.id));
      }
      assert.deepEqual(all.ids(), recorders[0].ids());
    } finally {
      await f.close();
    }
  });

  it('refuses posts beyond the queue bound with store-busy and stores only the accepted ones', async () => {
    const f = await openChat('sqlite::memory:', { writer: { maxQueue: 5, maxBatch: 5 } });
    try {
      const outcomes = await Promise.allSettled(Array.from({ length: 20 }, (_, i) => f.chat.post({ room: 'busy', from: 'a', text: `t${i}` })));
      const ok = outcomes.filter((o): o is PromiseFulfilledResult<StoredMessage> => o.status === 'fulfilled');
      const refused = outcomes.filter((o) => o.status === 'rejected');
      assert.equal(ok.length, 5);
      for (const r of refused) assert.equal(((r as PromiseRejectedResult).reason as ChatError).code, 'store-busy');
      assert.deepEqual((await f.chat.messages('busy')).map((m) => m.id), ok.map((o) => o.value.id));
    } finally {
      await f.close();
    }
  });

  it('#3 answers a store-busy refusal only once the batch being committed is done, so a flood of refusals waits for a commit', async () => {
    const f = await openChat('sqlite::memory:', { writer: { maxQueue: 5, maxBatch: 5 } });
    try {
      const order: string[] = [];
      const accepted = Array.from({ length: 5 }, (_, i) =>
        f.chat.post({ room: 'busy2', from: 'a', text: `t${i}` }).then(() => order.push(`stored ${i}`)));
      const refused = f.chat.post({ room: 'busy2', from: 'a', text: 'late' }).catch((error: unknown) => {
        order.push(`refused ${(error as ChatError).code}`);
      });
      await Promise.all([...accepted, refused]);
      assert.deepEqual(order, ['stored 0', 'stored 1', 'stored 2', 'stored 3', 'stored 4', 'refused store-busy']);
      assert.equal((await f.chat.messages('busy2')).length, 5);
    } finally {
      await f.close();
    }
  });

  it('fails a post with store-failed when the database is gone, publishing nothing', async () => {
    const f = await openChat();
    const seen = new Recorder(f.broker, '/topic/rooms/lobby');
    await f.dataSource.destroy();
    await rejectsWith(f.chat.post({ room: 'lobby', from: 'a', text: 'lost' }), 'store-failed');
    assert.deepEqual(seen.messages, []);
    await f.close();
  });

  it('drains queued posts on shutdown and refuses new ones', async () => {
    const f = await openChat();
    const pending = Array.from({ length: 50 }, (_, i) => f.chat.post({ room: 'bye', from: 'a', text: `t${i}` }));
    const closing = f.chat.beforeApplicationShutdown();
    await rejectsWith(f.chat.post({ room: 'bye', from: 'a', text: 'late' }), 'shutting-down');
    await closing;
    assert.equal((await Promise.all(pending)).length, 50);
    assert.equal((await f.repository.latest('bye', 100)).length, 50);
    await f.close();
  });
});

describe('ChatService /app/chat flow', () => {
  it('stores in room messages, publishes {from,text,time} to /topic/messages and the stored shape to the room', async () => {
    const f = await openChat();
    try {
      const legacy = new Recorder(f.broker, '/topic/messages');
      const room = new Recorder(f.broker, '/topic/rooms/messages');
      const stored = await f.chat.postChat({ from: ' alice ', text: ' hi there ' });
      assert.equal(stored.room, 'messages');
      const [body] = legacy.bodies() as Array<Record<string, unknown>>;
      assert.deepEqual(Object.keys(body), ['from', 'text', 'time']);
      assert.deepEqual([body.from, body.text], ['alice', 'hi there']);
      assert.match(String(body.time), /^\d\d:\d\d$/);
      assert.deepEqual(room.ids(), [stored.id]);
      const retry = await f.chat.postChat({ from: 'alice', text: 'x', clientMessageId: 'k' });
      await f.chat.postChat({ from: 'alice', text: 'x', clientMessageId: 'k' });
      assert.equal(legacy.messages.length, 2, 'a retry is not published again');
      assert.deepEqual((await f.chat.messages('messages')).map((m) => m.id), [stored.id, retry.id]);
    } finally {
      await f.close();
    }
  });
});

describe('ChatService history', () => {
  it('pages oldest first with default 50, at most 500, after/before, and [] for an unknown room', async () => {
    const f = await openChat();
    try {
      const stored: StoredMessage[] = await Promise.all(Array.from({ length: 600 }, (_, i) => f.chat.post({ room: 'h', from: 'a', text: `m${i}` })));
      const texts = (list: StoredMessage[]) => list.map((m) => m.text);
      assert.deepEqual(texts(await f.chat.messages('h')), texts(stored.slice(550)));
      assert.equal((await f.chat.messages('h', { limit: 10_000 })).length, 500);
      assert.deepEqual(texts(await f.chat.messages('h', { after: stored[9].id, limit: 2 })), ['m10', 'm11']);
      assert.deepEqual(texts(await f.chat.messages('h', { before: stored[9].id, limit: 2 })), ['m7', 'm8']);
      assert.deepEqual(texts(await f.chat.messages('h', { after: stored[9].id, before: stored[12].id })), ['m10', 'm11']);
      assert.deepEqual(await f.chat.messages('nobody-here'), []);
      await rejectsWith(f.chat.messages('bad room'), 'invalid-room');
      await rejectsWith(f.chat.messages('h', { limit: 0 }), 'invalid-query');
      await rejectsWith(f.chat.messages('h', { after: -1 }), 'invalid-query');
      await rejectsWith(f.chat.messages('h', { before: 1.5 }), 'invalid-query');
      const rooms = await f.chat.rooms();
      assert.deepEqual(rooms.map((r) => [r.room, r.messages]), [['h', 600]]);
      assert.equal(rooms[0].lastMessageAt.getTime(), stored[599].sentAt.getTime());
    } finally {
      await f.close();
    }
  });
});
