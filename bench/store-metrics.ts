/**
 * The server's group-commit histograms from its /metrics (`chat_store_commit_seconds`,
 * `chat_store_publish_seconds`, `chat_store_batch_messages`), read before and after a phase, so a
 * stored scenario's row can say how much of the latency the database took and how much the fan-out.
 */
import { request } from 'node:http';

/** Cumulative bucket counts by upper bound, as Prometheus writes them. */
export type Buckets = Array<[le: number, count: number]>;

export interface StoreSnapshot {
  commit: Buckets;
  publish: Buckets;
  batches: number;
  posts: number;
  /** Room messages a feed held for a predecessor, and store reads after one waited too long. */
  held: number;
  gapFills: number;
}

/** The buckets of one histogram in Prometheus text (labels other than `le` are not expected). */
export function parseBuckets(text: string, name: string): Buckets {
  const out: Buckets = [];
  const line = new RegExp(`^${name}_bucket\\{le="([^"]+)"\\} (\\d+(?:\\.\\d+)?)$`, 'gm');
  for (const [, le, count] of text.matchAll(line)) out.push([le === '+Inf' ? Infinity : Number(le), Number(count)]);
  return out.sort((a, b) => a[0] - b[0]);
}

function scalar(text: string, name: string): number {
  const match = new RegExp(`^${name} (\\d+(?:\\.\\d+)?)$`, 'm').exec(text);
  return match ? Number(match[1]) : 0;
}

export function parseStoreMetrics(text: string): StoreSnapshot {
  return {
    commit: parseBuckets(text, 'chat_store_commit_seconds'),
    publish: parseBuckets(text, 'chat_store_publish_seconds'),
    batches: scalar(text, 'chat_store_batch_messages_count'),
    posts: scalar(text, 'chat_store_batch_messages_sum'),
    held: scalar(text, 'chat_room_feed_held_total'),
    gapFills: scalar(text, 'chat_room_feed_gap_fills_total'),
  };
}

/**
 * The upper bound of the bucket holding quantile q of what was observed between two readings, in
 * seconds: "p99 ≤ 10 ms" is all a histogram can say. Infinity past the last finite bound; NaN if none.
 */
export function quantileBetween(before: Buckets, after: Buckets, q: number): number {
  const earlier = new Map(before);
  const counts = after.map(([le, n]) => [le, n - (earlier.get(le) ?? 0)] as [number, number]);
  const total = counts.length > 0 ? counts[counts.length - 1][1] : 0;
  if (total <= 0) return Number.NaN;
  const rank = q * total;
  for (const [le, n] of counts) if (n >= rank) return le;
  return Infinity;
}

export function fetchMetrics(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/metrics', agent: false, timeout: 5_000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => (res.statusCode === 200 ? resolve(body) : reject(new Error(`/metrics answered ${res.statusCode}`))));
    });
    req.on('timeout', () => req.destroy(new Error('/metrics timed out')));
    req.on('error', reject);
    req.end();
  });
}

/** A note for the row: batches, posts per batch, commit and publish p50/p99 (bucket bounds). */
export function describeStore(before: StoreSnapshot, after: StoreSnapshot): string {
  const batches = after.batches - before.batches;
  if (batches <= 0) return 'store: no batch committed in the phase';
  const ms = (seconds: number) => `${+(seconds * 1000).toFixed(1)} ms`;
  const bound = (b: Buckets, a: Buckets, p: number) => {
    const seconds = quantileBetween(b, a, p);
    if (Number.isNaN(seconds)) return '-';
    if (Number.isFinite(seconds)) return `≤ ${ms(seconds)}`;
    const finite = a.filter(([le]) => Number.isFinite(le));
    return `> ${ms(finite.length > 0 ? finite[finite.length - 1][0] : 0)}`;
  };
  const q = (b: Buckets, a: Buckets) => `p50 ${bound(b, a, 0.5)}, p99 ${bound(b, a, 0.99)}`;
  const held = after.held - before.held;
  const fills = after.gapFills - before.gapFills;
  // A message held by its room's feed waited for an earlier one: on one node that should never happen.
  const feed = held > 0 || fills > 0 ? `; room feeds held ${held} messages for a predecessor, ${fills} store reads for a gap` : '';
  return `store: ${batches} batches of ${((after.posts - before.posts) / batches).toFixed(1)} posts on average; ` +
    `commit ${q(before.commit, after.commit)}; commit to fan-out ${q(before.publish, after.publish)}${feed}`;
}

/** Reads the histograms; undefined when the server has none to give (not ours, or /metrics refused). */
export async function readStore(port: number): Promise<StoreSnapshot | undefined> {
  try {
    return parseStoreMetrics(await fetchMetrics(port));
  } catch {
    return undefined;
  }
}

/** Runs a phase between two readings and appends the store note to the notes it returns. */
export async function withStoreNote<T extends { notes: string[] }>(port: number | undefined, phase: () => Promise<T>): Promise<T> {
  const before = port === undefined ? undefined : await readStore(port);
  const result = await phase();
  const after = before && port !== undefined ? await readStore(port) : undefined;
  if (before && after) result.notes.push(describeStore(before, after));
  return result;
}
