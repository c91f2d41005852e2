import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setImmediate as turn } from 'node:timers/promises';
import { ChatError, MessageWriter, type AppendResult, type ChatRepository, type NewMessage } from '@app/chat';

/**
 * A store whose appends the test settles by hand, in any order: the one thing a real database cannot be
 * made to do on cue (finish a later transaction first). Only `append` is ever called by the writer.
 */
class HandStore {
  readonly calls: Array<{ batch: readonly NewMessage[]; settle(fail?: boolean): void }> = [];
  private nextId = 1;
  constructor(readonly parallelAppends?: number) {}
  append(batch: readonly NewMessage[]): Promise<AppendResult[]> {
    return new Promise((resolve, reject) => {
      const ids = batch.map(() => this.nextId++);
      this.calls.push({
        batch,
        settle: (fail) => (fail ? reject(new Error('disk full')) : resolve(batch.map((m, i) => ({
          message: { id: ids[i], room: m.room, seq: ids[i], from: m.from, text: m.text, sentAt: m.sentAt }, duplicate: false,
        })))),
      });
    });
  }
  asRepository(): ChatRepository {
    return this as unknown as ChatRepository;
  }
}

const post = (text: string): NewMessage => ({ room: 'r', from: 'u', text, sentAt: new Date() });

/** Writes one message per I/O turn, so each becomes its own batch. */
async function oneBatchEach(writer: MessageWriter<string>, texts: string[]): Promise<Array<Promise<AppendResult>>> {
  const writes: Array<Promise<AppendResult>> = [];
  for (const text of texts) {
    writes.push(writer.write(post(text), text));
    await turn();
  }
  return writes;
}

describe('MessageWriter', () => {
  it('keeps one batch at a time by default: the next is handed over only when the last has committed', async () => {
    const store = new HandStore();
    const published: string[][] = [];
    const writer = new MessageWriter<string>(store.asRepository(), (b) => published.push(b.map((w) => w.context)));
    const reported: Array<{ messages: number; storeMs: number; publishMs: number }> = [];
    writer.onStoredBatch((batch) => reported.push(batch));
    const writes = await oneBatchEach(writer, ['a', 'b', 'c']);
    assert.equal(store.calls.length, 1, 'b and c wait while a commits');
    store.calls[0].settle();
    await writes[0];
    assert.equal(store.calls.length, 2, 'b and c go together once a is done');
    assert.deepEqual(store.calls[1].batch.map((m) => m.text), ['b', 'c']);
    store.calls[1].settle();
    await Promise.all(writes);
    assert.deepEqual(published, [['a'], ['b', 'c']]);
    assert.deepEqual(reported.map((r) => r.messages), [1, 2]);
    assert.ok(reported[0].storeMs > 0, 'a was out for at least the turn the test took to settle it');
    assert.ok(reported.every((r) => r.publishMs >= 0));
  });

  it("takes the store's parallelAppends: several batches out at once, published in the order they were started", async () => {
    const store = new HandStore(3);
    const published: string[] = [];
    const settledAt: string[] = [];
    const writer = new MessageWriter<string>(store.asRepository(), (b) => published.push(...b.map((w) => w.context)));
    const writes = await oneBatchEach(writer, ['a', 'b', 'c', 'd']);
    writes.forEach((w, i) => void w.then(() => settledAt.push('abcd'[i])));
    assert.equal(store.calls.length, 3, 'three out, d waits');
    store.calls[2].settle();
    store.calls[1].settle();
    await turn();
    assert.deepEqual(published, [], 'c and b committed first, but a was started first');
    store.calls[0].settle();
    await Promise.all(writes.slice(0, 3));
    assert.deepEqual(published, ['a', 'b', 'c']);
    assert.deepEqual(settledAt, ['a', 'b', 'c'], 'a write settles after its batch is published');
    assert.equal(store.calls.length, 4, 'd went out as soon as a slot was free');
    store.calls[3].settle();
    await writes[3];
    assert.deepEqual(published, ['a', 'b', 'c', 'd']);
  });

  it('fails only the batch that failed, also when it fails while an earlier one is still out (no unhandled rejection)', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const store = new HandStore(2);
      const published: string[] = [];
      const writer = new MessageWriter<string>(store.asRepository(), (b) => published.push(...b.map((w) => w.context)));
      const writes = await oneBatchEach(writer, ['a', 'b']);
      store.calls[1].settle(true);
      await turn();
      await turn();
      store.calls[0].settle();
      const [a, b] = await Promise.allSettled(writes);
      assert.equal(a.status, 'fulfilled');
      assert.ok(b.status === 'rejected' && b.reason instanceof ChatError && b.reason.code === 'store-failed');
      assert.deepEqual(published, ['a']);
      assert.deepEqual(unhandled, []);
      const c = writer.write(post('c'), 'c');
      await turn();
      store.calls[2].settle();
      await c;
      assert.deepEqual(published, ['a', 'c'], 'the writer goes on after a failed batch');
      await writer.close();
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });
});
