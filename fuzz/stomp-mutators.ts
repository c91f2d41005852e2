// Mutations for the STOMP decoder fuzzer: byte-level (flips, inserts, deletes, splices) and
// STOMP-aware (duplicate header lines, lie about content-length, grow past the limits, re-frame).

/** mulberry32: small, fast and seedable, so any failing run can be replayed with --seed. */
export class Rng {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0;
  }
  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)];
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
}

const INTERESTING_BYTES = [0x00, 0x0a, 0x0d, 0x3a, 0x5c, 0x30, 0x39, 0x2d, 0xff, 0xc3, 0xe2, 0x80, 0x20, 0x09];
const TOKENS = [
  '\n', '\r\n', '\0', ':', '\\', '\\n', '\\c', '\\r', '\\\\', '\\t', '\\', '\n\n', '\r\n\r\n', '\n\0',
  'content-length:', 'content-length:0\n', 'content-length:-1\n', 'content-length:1e3\n', 'content-length:18446744073709551616\n',
  'destination:/topic/x\n', '__proto__:x\n', 'constructor:y\n', 'receipt:1\n', 'id:0\n',
  'SEND\n', 'MESSAGE\n', 'CONNECT\n', 'CONNECTED\n', 'DISCONNECT\n\n\0', 'STOMP\r\n', '\u20ac', '\ud83d\ude00',
].map((s) => Buffer.from(s, 'utf8'));
const HUGE_LENGTHS = ['0', '1', '65535', '65536', '65537', '4294967296', '99999999999999999999', '-5', '00000000007', ' 3', '0x10', ''];
export const MAX_INPUT = 256 * 1024;

type Mutator = (input: Buffer, rng: Rng, pool: readonly Buffer[]) => Buffer;

const at = (input: Buffer, rng: Rng) => rng.int(input.length + 1);

const flipBit: Mutator = (input, rng) => {
  if (input.length === 0) return input;
  const out = Buffer.from(input);
  const i = rng.int(out.length);
  out[i] ^= 1 << rng.int(8);
  return out;
};

const setByte: Mutator = (input, rng) => {
  if (input.length === 0) return Buffer.from([rng.pick(INTERESTING_BYTES)]);
  const out = Buffer.from(input);
  out[rng.int(out.length)] = rng.chance(0.7) ? rng.pick(INTERESTING_BYTES) : rng.int(256);
  return out;
};

const insertToken: Mutator = (input, rng) => {
  const i = at(input, rng);
  const token = rng.chance(0.8) ? rng.pick(TOKENS) : Buffer.from(Array.from({ length: 1 + rng.int(8) }, () => rng.int(256)));
  return Buffer.concat([input.subarray(0, i), token, input.subarray(i)]);
};

const deleteRange: Mutator = (input, rng) => {
  const i = at(input, rng);
  const n = 1 + rng.int(Math.min(32, Math.max(1, input.length - i)));
  return Buffer.concat([input.subarray(0, i), input.subarray(i + n)]);
};

/** Crossover: a prefix of this input and a suffix of another. */
const splice: Mutator = (input, rng, pool) => {
  const other = rng.pick(pool);
  return Buffer.concat([input.subarray(0, at(input, rng)), other.subarray(at(other, rng))]);
};

/** Several frames in one stream, sometimes with heart-beats between. */
const concatFrames: Mutator = (input, rng, pool) => {
  const eol = rng.pick(['', '\n', '\r\n', '\n\n\n']);
  return Buffer.concat([input, Buffer.from(eol), rng.pick(pool)]);
};

function lineRanges(input: Buffer): [number, number][] {
  const ranges: [number, number][] = [];
  const headEnd = input.indexOf('\n\n');
  const limit = headEnd < 0 ? input.length : headEnd;
  let from = 0;
  while (from < limit) {
    const lf = input.indexOf(0x0a, from);
    if (lf < 0 || lf > limit) break;
    ranges.push([from, lf + 1]);
    from = lf + 1;
  }
  return ranges;
}

/** Repeats a head line (a header, or the command), possibly many times. */
const duplicateHeader: Mutator = (input, rng) => {
  const lines = lineRanges(input);
  if (lines.length === 0) return insertToken(input, rng, []);
  const [from, to] = rng.pick(lines);
  const times = rng.chance(0.1) ? 50 + rng.int(200) : 1 + rng.int(3);
  const copies = Buffer.concat(Array.from({ length: times }, () => input.subarray(from, to)));
  return Buffer.concat([input.subarray(0, to), copies, input.subarray(to)]);
};

/** Rewrites (or adds) content-length with an edge value or an off-by-one of the real length. */
const lieAboutLength: Mutator = (input, rng) => {
  const text = input.toString('latin1');
  const match = /content-length:[^\n]*\n/.exec(text);
  const headEnd = text.indexOf('\n\n');
  const bodyLength = headEnd < 0 ? 0 : Math.max(0, input.length - headEnd - 3);
  const value = rng.chance(0.5) ? rng.pick(HUGE_LENGTHS) : String(Math.max(0, bodyLength + rng.int(5) - 2));
  const line = Buffer.from(`content-length:${value}\n`, 'latin1');
  if (match) {
    return Buffer.concat([input.subarray(0, match.index), line, input.subarray(match.index + match[0].length)]);
  }
  const firstLf = input.indexOf(0x0a);
  if (firstLf < 0) return Buffer.concat([input, Buffer.from('\n'), line]);
  return Buffer.concat([input.subarray(0, firstLf + 1), line, input.subarray(firstLf + 1)]);
};

/** Grows a body, a header value or the space between frames toward and past the limits. */
const grow: Mutator = (input, rng) => {
  const size = rng.pick([100, 1000, 8 * 1024, 8 * 1024 + 1, 60 * 1024, 64 * 1024, 70 * 1024, 200 * 1024]);
  const fill = Buffer.alloc(size, rng.pick([0x61, 0x00, 0x0a, 0x3a, 0x5c, 0xff]));
  const i = at(input, rng);
  return Buffer.concat([input.subarray(0, i), fill, input.subarray(i)]);
};

const MUTATORS: [Mutator, number][] = [
  [flipBit, 4], [setByte, 4], [insertToken, 5], [deleteRange, 3], [splice, 3], [concatFrames, 2],
  [duplicateHeader, 2], [lieAboutLength, 3], [grow, 0.25],
];
const TOTAL_WEIGHT = MUTATORS.reduce((sum, [, w]) => sum + w, 0);

function pickMutator(rng: Rng): Mutator {
  let r = rng.next() * TOTAL_WEIGHT;
  for (const [mutator, weight] of MUTATORS) {
    if (r < weight) return mutator;
    r -= weight;
  }
  return flipBit;
}

/** One to four stacked mutations of a pool entry, capped at MAX_INPUT bytes. */
export function mutate(pool: readonly Buffer[], rng: Rng): Buffer {
  let input = rng.pick(pool);
  const rounds = 1 + rng.int(4);
  for (let i = 0; i < rounds; i++) {
    input = pickMutator(rng)(input, rng, pool);
    if (input.length > MAX_INPUT) input = input.subarray(0, MAX_INPUT);
  }
  return input;
}

/**
 * Random chunk boundaries: whole, byte by byte (small inputs), or up to 64 random cuts, so that a
 * large input costs a bounded number of pushes and the fuzzer stays fast.
 */
export function chunk(input: Buffer, rng: Rng): Buffer[] {
  const style = rng.int(4);
  if (style === 0 || input.length < 2) return [input];
  if (style === 1 && input.length <= 512) {
    return Array.from({ length: input.length }, (_, i) => input.subarray(i, i + 1));
  }
  const cuts = Array.from({ length: 1 + rng.int(64) }, () => rng.int(input.length)).sort((a, b) => a - b);
  const chunks: Buffer[] = [];
  let from = 0;
  for (const cut of cuts) {
    if (cut <= from) continue;
    chunks.push(input.subarray(from, cut));
    from = cut;
  }
  chunks.push(input.subarray(from));
  return chunks;
}
