import { resolve } from 'node:path';
import { parseArgs } from 'node:util';

/**
 * The command line every fuzzer here shares: --runs, --seed, --max-ms, --corpus, --artifacts (+ its own
 * boolean switches, and its own non-negative integer options with their defaults).
 */
export interface FuzzOptions {
  runs: number;
  seed: number;
  maxMs: number;
  corpus: string;
  artifacts: string;
  switches: ReadonlySet<string>;
  counts: Readonly<Record<string, number>>;
}

export function fuzzOptions(
  argv: string[],
  defaultCorpus: string,
  switches: string[] = [],
  counts: Record<string, number> = {},
): FuzzOptions {
  const { values: parsed } = parseArgs({
    args: argv,
    strict: true,
    options: {
      runs: { type: 'string', default: '1000000' },
      seed: { type: 'string', default: String(Date.now() % 2 ** 31) },
      'max-ms': { type: 'string', default: '100' },
      corpus: { type: 'string', default: defaultCorpus },
      artifacts: { type: 'string', default: 'fuzz-artifacts' },
      ...Object.fromEntries(switches.map((s) => [s, { type: 'boolean' as const, default: false }])),
      ...Object.fromEntries(Object.entries(counts).map(([name, n]) => [name, { type: 'string' as const, default: String(n) }])),
    },
  });
  const values = parsed as Record<string, string | boolean | undefined>;
  const number = (name: string) => {
    const n = Number(values[name]);
    if (!Number.isInteger(n) || n < 0) throw new Error(`--${name} must be a non-negative integer`);
    return n;
  };
  return {
    runs: number('runs'),
    seed: number('seed'),
    maxMs: number('max-ms'),
    corpus: resolve(String(values.corpus)),
    artifacts: resolve(String(values.artifacts)),
    switches: new Set(switches.filter((s) => values[s] === true)),
    counts: Object.fromEntries(Object.keys(counts).map((name) => [name, number(name)])),
  };
}
