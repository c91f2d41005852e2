// #11 item 4: one slow-consumer rule for every door (STOMP over every transport, SSE, /ws/chat).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SendLimit } from './send-limit';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('#11 SendLimit', () => {
  it('drops a client whose unsent bytes pass the buffer limit, once', () => {
    let pending = 0;
    let drops = 0;
    const limit = new SendLimit({ bufferBytes: 100, timeLimitMs: 10_000 }, () => pending, () => drops++);
    pending = 100;
    limit.written();
    assert.equal(limit.isDropped, false);
    pending = 101;
    limit.written();
    limit.written();
    assert.equal(drops, 1);
    assert.equal(limit.isDropped, true);
  });

  it('drops a client whose queue stays non-empty past the time limit, even with no further writes', async () => {
    let drops = 0;
    const limit = new SendLimit({ bufferBytes: 1e9, timeLimitMs: 60 }, () => 10, () => drops++);
    limit.written();
    await sleep(30);
    assert.equal(drops, 0);
    await sleep(80);
    assert.equal(drops, 1);
  });

  it('a client that catches up is never dropped, and a stopped limit keeps no timer', async () => {
    let pending = 10;
    let drops = 0;
    const limit = new SendLimit({ bufferBytes: 1e9, timeLimitMs: 40 }, () => pending, () => drops++);
    limit.written();
    await sleep(20);
    pending = 0;
    limit.written();
    pending = 10;
    limit.written();
    await sleep(30);
    assert.equal(drops, 0, 'the clock restarted when the queue emptied');
    limit.stop();
    await sleep(60);
    assert.equal(drops, 0);
  });

  it('a client that keeps taking bytes, however slowly, is not dropped; one that takes none for the limit is', async () => {
    let pending = 0;
    let drops = 0;
    const limit = new SendLimit({ bufferBytes: 1e9, timeLimitMs: 60 }, () => pending, () => drops++);
    // For 200 ms: 100 bytes written every 10 ms, 90 of the queue taken meanwhile: never empty, always moving.
    for (let t = 0; t < 20; t++) {
      pending = Math.max(1, pending - 90) + 100;
      limit.written(100);
      await sleep(10);
    }
    assert.equal(drops, 0, 'a slow reader that reads is not stuck');
    // Now it stops reading: nothing leaves the queue.
    limit.written(100);
    pending += 100;
    await sleep(150);
    assert.equal(drops, 1);
  });
});
