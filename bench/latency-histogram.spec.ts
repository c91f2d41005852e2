import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LatencyHistogram } from './latency-histogram';

describe('LatencyHistogram', () => {
  it('is exact below 128 µs', () => {
    const h = new LatencyHistogram();
    for (let us = 0; us < 100; us++) h.recordMicros(us);
    assert.equal(h.count, 100);
    assert.equal(h.percentileMillis(0.5), 0.049);
    assert.equal(h.percentileMillis(0.99), 0.098);
    assert.equal(h.percentileMillis(1), 0.099);
  });

  it('reports percentiles within 1.6 % of the true sample, never below it', () => {
    const h = new LatencyHistogram();
    const samples: number[] = [];
    let seed = 7;
    for (let i = 0; i < 20_000; i++) {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      const ms = (seed / 2 ** 31) ** 3 * 2_000; // skewed, 0..2 s
      samples.push(Math.round(ms * 1000) / 1000);
      h.recordMillis(ms);
    }
    samples.sort((a, b) => a - b);
    for (const p of [0.5, 0.9, 0.99, 0.999]) {
      const truth = samples[Math.ceil(p * samples.length) - 1];
      const got = h.percentileMillis(p);
      assert.ok(got >= truth - 0.001, `p${p * 100}: ${got} < ${truth}`);
      assert.ok(got <= truth * 1.016 + 0.001, `p${p * 100}: ${got} too far above ${truth}`);
    }
  });

  it('merges the sparse form of other histograms, as the orchestrator does across workers', () => {
    const a = new LatencyHistogram();
    const b = new LatencyHistogram();
    for (let i = 0; i < 99; i++) a.recordMillis(1);
    b.recordMillis(500);
    const merged = new LatencyHistogram();
    merged.merge(a.toSparse());
    merged.merge(b.toSparse());
    assert.equal(merged.count, 100);
    const p99 = merged.percentileMillis(0.99);
    assert.ok(p99 >= 1 && p99 < 1.016, `p99 ${p99} is the 1 ms bucket`);
    assert.ok(Math.abs(merged.percentileMillis(1) - 500) / 500 < 0.016);
  });

  it('clamps clock skew and garbage instead of throwing', () => {
    const h = new LatencyHistogram();
    h.recordMillis(-3);
    h.recordMillis(Number.NaN);
    h.merge([[-1, 5], [3, -2], [1.5, 1]]);
    assert.equal(h.count, 2);
    assert.equal(h.percentileMillis(0.5), 0);
    assert.ok(h.percentileMillis(1) > 100_000);
    assert.ok(Number.isNaN(new LatencyHistogram().percentileMillis(0.5)));
  });
});
