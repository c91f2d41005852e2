/**
 * A log-linear latency histogram in microseconds, mergeable across worker processes.
 *
 * Workers record every delivery here and send the histogram (sparse, a few hundred numbers) to the
 * orchestrator instead of every sample, so 100k deliveries/s cost no IPC. Values below 128 µs are exact;
 * above, each power of two is split into 64 buckets, so a reported percentile is within ~1.6 % of the
 * true sample. Values are clamped to [0, MAX_MICROS].
 */
const SUB_BITS = 6;
const SUB_COUNT = 1 << SUB_BITS; // 64
/** 2^27 µs ≈ 134 s: far beyond any bounded bench phase. */
const MAX_MICROS = 2 ** 27 - 1;
const BUCKETS = bucketOf(MAX_MICROS) + 1;

/** The wire form: [bucketIndex, count] pairs, only non-empty buckets. */
export type SparseHistogram = Array<[number, number]>;

export class LatencyHistogram {
  /** Indexed by bucket; 1,408 buckets cover 0 .. MAX_MICROS. A typed array keeps recording allocation-free. */
  private readonly counts = new Float64Array(BUCKETS);
  private total = 0;
  private max = 0;

  get count(): number {
    return this.total;
  }

  /** Records one latency in milliseconds (fractional allowed; negative clock skew counts as 0). */
  recordMillis(ms: number): void {
    this.recordMicros(Math.round(ms * 1000));
  }

  recordMicros(micros: number): void {
    const v = Number.isFinite(micros) ? Math.min(Math.max(0, Math.trunc(micros)), MAX_MICROS) : MAX_MICROS;
    this.counts[bucketOf(v)]++;
    this.total++;
    if (v > this.max) this.max = v;
  }

  merge(other: SparseHistogram): void {
    for (const [idx, n] of other) {
      if (!Number.isInteger(idx) || idx < 0 || idx >= BUCKETS || !Number.isInteger(n) || n <= 0) continue;
      this.counts[idx] += n;
      this.total += n;
      const upper = upperOf(idx);
      if (upper > this.max) this.max = upper;
    }
  }

  toSparse(): SparseHistogram {
    const out: SparseHistogram = [];
    for (let idx = 0; idx < BUCKETS; idx++) if (this.counts[idx] > 0) out.push([idx, this.counts[idx]]);
    return out;
  }

  /** The latency (ms) at or below which `fraction` (0..1] of samples fall; NaN when empty. */
  percentileMillis(fraction: number): number {
    if (this.total === 0) return NaN;
    const rank = Math.max(1, Math.ceil(Math.min(1, Math.max(0, fraction)) * this.total));
    let seen = 0;
    for (const [idx, n] of this.toSparse()) {
      seen += n;
      if (seen >= rank) return Math.min(upperOf(idx), this.max) / 1000;
    }
    return this.max / 1000;
  }
}

function bucketOf(v: number): number {
  if (v < 2 * SUB_COUNT) return v;
  const shift = 31 - Math.clz32(v) - SUB_BITS; // ≥ 1: keeps the top 7 bits, mantissa in [64, 128)
  return shift * SUB_COUNT + (v >>> shift);
}

/** Highest value that falls into bucket `idx` (percentiles err high, never low). */
function upperOf(idx: number): number {
  if (idx < 2 * SUB_COUNT) return idx;
  const shift = Math.floor(idx / SUB_COUNT) - 1;
  const mantissa = idx - shift * SUB_COUNT;
  return ((mantissa + 1) << shift) - 1;
}
