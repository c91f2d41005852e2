import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { describeStore, parseStoreMetrics, quantileBetween } from './store-metrics';

const scrape = (commit: number[], publish: number[], batches: number, posts: number) => {
  const bounds = ['0.001', '0.005', '0.01', '+Inf'];
  const lines = (name: string, counts: number[]) => bounds.map((le, i) => `${name}_bucket{le="${le}"} ${counts[i]}`).join('\n');
  return [
    '# HELP chat_store_commit_seconds x', '# TYPE chat_store_commit_seconds histogram',
    lines('chat_store_commit_seconds', commit), `chat_store_commit_seconds_count ${commit[3]}`,
    lines('chat_store_publish_seconds', publish),
    `chat_store_batch_messages_sum ${posts}`, `chat_store_batch_messages_count ${batches}`,
  ].join('\n');
};

describe('store metrics of a phase', () => {
  it('reads the histograms and gives the bucket bound of a quantile of what happened between two scrapes', () => {
    const before = parseStoreMetrics(scrape([5, 5, 5, 5], [0, 0, 0, 0], 5, 5));
    const after = parseStoreMetrics(scrape([55, 104, 105, 105], [100, 100, 100, 100], 105, 405));
    assert.deepEqual(after.commit.map(([le]) => le), [0.001, 0.005, 0.01, Infinity]);
    // Of the 100 new commits, 50 took ≤ 1 ms, 49 more ≤ 5 ms, one ≤ 10 ms.
    assert.equal(quantileBetween(before.commit, after.commit, 0.5), 0.001);
    assert.equal(quantileBetween(before.commit, after.commit, 0.99), 0.005);
    assert.equal(quantileBetween(before.commit, after.commit, 1), 0.01);
    assert.equal(describeStore(before, after),
      'store: 100 batches of 4.0 posts on average; commit p50 ≤ 1 ms, p99 ≤ 5 ms; commit to fan-out p50 ≤ 1 ms, p99 ≤ 1 ms');
  });

  it('names room feed holds and gap fills when there were any', () => {
    const before = parseStoreMetrics(`${scrape([0, 0, 0, 0], [0, 0, 0, 0], 0, 0)}\nchat_room_feed_held_total 2`);
    const after = parseStoreMetrics(`${scrape([1, 1, 1, 1], [1, 1, 1, 1], 1, 1)}\nchat_room_feed_held_total 5\nchat_room_feed_gap_fills_total 1`);
    assert.match(describeStore(before, after), /; room feeds held 3 messages for a predecessor, 1 store reads for a gap$/);
  });

  it('says so when nothing was committed, and reads a server without the histograms as empty', () => {
    const none = parseStoreMetrics('# nothing here\n');
    assert.deepEqual(none.commit, []);
    assert.ok(Number.isNaN(quantileBetween([], [], 0.5)));
    assert.equal(describeStore(none, none), 'store: no batch committed in the phase');
  });

  it('puts a quantile past the last finite bound at infinity', () => {
    const before = parseStoreMetrics(scrape([0, 0, 0, 0], [0, 0, 0, 0], 0, 0));
    const after = parseStoreMetrics(scrape([0, 0, 1, 10], [0, 0, 0, 10], 10, 10));
    assert.equal(quantileBetween(before.commit, after.commit, 0.5), Infinity);
    assert.match(describeStore(before, after), /commit p50 > 10 ms, p99 > 10 ms/);
  });
});
