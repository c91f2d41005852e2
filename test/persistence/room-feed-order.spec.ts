// #12: a room feed hands its followers the room's messages in seq order, once, whatever order the broker
// brings them in; a message whose predecessor does not come is held for a short while, then the store
// fills the gap. The broker here is the in-process one, fed by hand as a relay with two writers would.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ReplayingSubscriber, RoomFeeds, publishedRoomMessage, type NewMessage, type StoredMessage } from '@app/chat';
import type { BrokerMessage } from '@app/messaging';
import { openChat, Recorder } from './chat-test.helpers';

const post = (room: string, text: string): NewMessage => ({ room, from: 'w', text, sentAt: new Date() });

describe('#12 room feed order', () => {
  it('#12 hands on messages that arrive out of seq order in seq order, once, without asking the store', async () => {
    const f = await openChat('sqlite::memory:', {});
    try {
      const recorder = new Recorder();
      const stop = f.chat.follow('o', undefined, (m: BrokerMessage) => recorder.push(m));
      const stored: StoredMessage[] = (await f.repository.append(['1', '2', '3', '4', '5'].map((t) => post('o', t)))).map((r) => r.message);
      for (const k of [0, 2, 1, 4, 2, 3, 0]) f.broker.publish(publishedRoomMessage(stored[k]));
      assert.deepEqual(recorder.ids(), stored.map((m) => m.id));
      assert.equal(recorder.messages[0].headers.get('chat-seq'), undefined, 'the seq stays between nodes');
      assert.deepEqual(f.chat.feedStats(), { rooms: 1, recoveries: 0, gapFills: 0, recovered: 0, held: 2 });
      stop();
    } finally {
      await f.close();
    }
  });

  it('#12 holds a message whose predecessor never comes, then delivers the missing one from the store, in order', async () => {
    const f = await openChat('sqlite::memory:', {});
    try {
      const recorder = new Recorder();
      const stop = f.chat.follow('g', undefined, (m: BrokerMessage) => recorder.push(m));
      const stored = (await f.repository.append(['1', '2', '3', '4'].map((t) => post('g', t)))).map((r) => r.message);
      f.broker.publish(publishedRoomMessage(stored[0]));
      // 2 and 3 are lost on the way (an outage elsewhere, a node that died after committing).
      const heldAt = Date.now();
      f.broker.publish(publishedRoomMessage(stored[3]));
      assert.deepEqual(recorder.ids(), [stored[0].id], 'the fourth waits for its turn');
      await recorder.until((list) => list.length >= 4);
      const waited = Date.now() - heldAt;
      assert.deepEqual(recorder.ids(), stored.map((m) => m.id));
      assert.ok(waited >= 100, `held ${waited} ms before asking the store`);
      assert.deepEqual(f.chat.feedStats(), { rooms: 1, recoveries: 0, gapFills: 1, recovered: 2, held: 1 });
      // Late copies of what the store brought change nothing.
      f.broker.publish(publishedRoomMessage(stored[1]));
      f.broker.publish(publishedRoomMessage(stored[2]));
      const [next] = await f.repository.append([post('g', '5')]);
      f.broker.publish(publishedRoomMessage(next.message));
      assert.deepEqual(recorder.ids(), [...stored, next.message].map((m) => m.id));
      stop();
    } finally {
      await f.close();
    }
  });

  it('#12 a since-id follower joining while messages arrive out of order misses none and repeats none', async () => {
    const f = await openChat('sqlite::memory:', { replayPageSize: 2 });
    try {
      const live = new Recorder();
      const stopLive = f.chat.follow('j', undefined, (m: BrokerMessage) => live.push(m));
      const stored = (await f.repository.append(Array.from({ length: 8 }, (_, i) => post('j', `m${i}`)))).map((r) => r.message);
      f.broker.publish(publishedRoomMessage(stored[0]));
      f.broker.publish(publishedRoomMessage(stored[2]));
      const resumed = new Recorder();
      const subscriber = f.chat.replaying('j', stored[0].id, (m) => resumed.push(m));
      const started = subscriber.start();
      for (const k of [1, 4, 3, 5, 7, 6]) f.broker.publish(publishedRoomMessage(stored[k]));
      await started;
      assert.deepEqual(resumed.ids(), stored.slice(1).map((m) => m.id));
      assert.deepEqual(live.ids(), stored.map((m) => m.id));
      subscriber.stop();
      stopLive();
    } finally {
      await f.close();
    }
  });

  it('#12 a since-id catch-up whose store read fails tries again, holding live messages: a blip is no gap', async () => {
    const f = await openChat('sqlite::memory:', {});
    try {
      const stored = (await f.repository.append(Array.from({ length: 6 }, (_, i) => post('blip', `m${i}`)))).map((r) => r.message);
      let failures = 0;
      const flaky = {
        after: (room: string, afterId: number, limit: number) =>
          failures++ < 2 ? Promise.reject(new Error('connection terminated')) : f.repository.after(room, afterId, limit),
      };
      const feeds = new RoomFeeds(f.broker, f.repository);
      const resumed = new Recorder();
      const errors: unknown[] = [];
      const subscriber = new ReplayingSubscriber(feeds, flaky, 'blip', stored[1].id, (m) => resumed.push(m), {
        retryDelayMs: 5, onError: (e) => errors.push(e),
      });
      const started = subscriber.start();
      const [live] = await f.repository.append([post('blip', 'live')]);
      f.broker.publish(publishedRoomMessage(live.message));
      await started;
      assert.equal(errors.length, 2);
      assert.deepEqual(resumed.ids(), [...stored.slice(2), live.message].map((m) => m.id));
      subscriber.stop();
    } finally {
      await f.close();
    }
  });
});
