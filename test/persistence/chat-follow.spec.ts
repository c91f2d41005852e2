import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ChatError, type StoredMessage } from '@app/chat';
import { createMessage, type BrokerMessage } from '@app/messaging';
import { openChat, Recorder } from './chat-test.helpers';

/** A follow() consumer that can be awaited. */
function follower() {
  const recorder = new Recorder();
  return { recorder, deliver: (m: BrokerMessage) => recorder.push(m) };
}

const idsOf = (list: StoredMessage[]) => list.map((m) => m.id);
const ascending = (ids: number[]) => ids.every((id, i) => i === 0 || id > ids[i - 1]);

describe('ChatService.follow (ReplayingSubscriber)', () => {
  it('replays stored messages after the id across several pages, then goes live', async () => {
    const f = await openChat('sqlite::memory:', { replayPageSize: 100 });
    try {
      const stored: StoredMessage[] = [];
      for (let i = 0; i < 5; i++) {
        stored.push(...(await Promise.all(Array.from({ length: 100 }, (_, k) => f.chat.post({ room: 'f', from: 'a', text: `m${i}-${k}` })))));
      }
      await f.chat.post({ room: 'elsewhere', from: 'a', text: 'not for us' });
      const { recorder, deliver } = follower();
      const start = stored[49].id;
      const subscriber = f.chat.replaying('f', start, deliver);
      await subscriber.start();
      assert.deepEqual(recorder.ids(), idsOf(stored.slice(50)));
      const live = await f.chat.post({ room: 'f', from: 'a', text: 'live' });
      assert.deepEqual(recorder.ids().slice(-1), [live.id]);
      const body = JSON.parse(recorder.messages[0].body.toString());
      assert.deepEqual(Object.keys(body), ['id', 'room', 'from', 'text', 'sentAt', 'time']);
      subscriber.stop();
      await f.chat.post({ room: 'f', from: 'a', text: 'after stop' });
      assert.equal(recorder.messages.length, 451, 'nothing after stop');
    } finally {
      await f.close();
    }
  });

  it('delivers only live messages without an id, and refuses a bad room', async () => {
    const f = await openChat();
    try {
      await f.chat.post({ room: 'f', from: 'a', text: 'old' });
      const { recorder, deliver } = follower();
      const stop = f.chat.follow('f', undefined, deliver);
      const live = await f.chat.post({ room: 'f', from: 'a', text: 'new' });
      assert.deepEqual(recorder.ids(), [live.id]);
      stop();
      assert.throws(() => f.chat.follow('no spaces', 0, deliver), ChatError);
    } finally {
      await f.close();
    }
  });

  it('sees exactly the ids above its start, once each and ascending, while posts race it', async () => {
    const f = await openChat('sqlite::memory:', { replayPageSize: 7 });
    try {
      const total = 1500;
      const acked: StoredMessage[] = [];
      const followers: Array<{ start: number; recorder: Recorder; stop: () => void }> = [];
      const startAt = new Set([1, 100, 400, 900, 1400]);
      // Posts are issued in waves of 50 in flight; followers join between acknowledgements, while
      // batches are being committed and published.
      let issued = 0;
      const poster = async () => {
        while (issued < total) {
          const n = issued++;
          const m = await f.chat.post({ room: 'race', from: `u${n % 5}`, text: `t${n}`, clientMessageId: n % 10 === 0 ? `c${n}` : undefined });
          acked.push(m);
          if (startAt.has(acked.length)) {
            const { recorder, deliver } = follower();
            const start = Math.max(0, Math.max(...idsOf(acked)) - 3);
            followers.push({ start, recorder, stop: f.chat.follow('race', start, deliver) });
          }
        }
      };
      await Promise.all(Array.from({ length: 50 }, poster));
      const all = idsOf(await f.repository.after('race', 0, 10_000));
      assert.equal(all.length, total);
      assert.equal(followers.length, startAt.size);
      for (const { start, recorder, stop } of followers) {
        const expected = all.filter((id) => id > start);
        await recorder.until((list) => list.length >= expected.length);
        const got = recorder.ids();
        assert.ok(ascending(got), `ascending from ${start}`);
        assert.deepEqual(got, expected);
        stop();
      }
    } finally {
      await f.close();
    }
  });

  it('drops a live duplicate of a replayed message and passes foreign messages through', async () => {
    const f = await openChat();
    try {
      const first = await f.chat.post({ room: 'dup', from: 'a', text: 'one' });
      const { recorder, deliver } = follower();
      const subscriber = f.chat.replaying('dup', 0, deliver);
      await subscriber.start();
      // A second publish of the same id (e.g. through a relay) must not reach the follower twice.
      f.broker.publish(createMessage('/topic/rooms/dup', '{}', [['chat-id', String(first.id)]]));
      f.broker.publish(createMessage('/topic/rooms/dup', 'no id'));
      assert.deepEqual(recorder.messages.map((m) => m.body.toString()).slice(1), ['no id']);
      assert.deepEqual(recorder.ids().slice(0, 1), [first.id]);
      subscriber.stop();
    } finally {
      await f.close();
    }
  });
});
