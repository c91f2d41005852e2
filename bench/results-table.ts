/** The bench's output: one row per scenario and target, then our figures as ratios of the ceiling. */

export interface ResultRow {
  /** Pairs rows of the two targets for the ratio table, e.g. `fanout-fixed`. */
  key: string;
  scenario: string;
  target: string;
  deliveriesPerSec?: number;
  p50Ms?: number;
  p99Ms?: number;
  serverCpuPct?: number;
  generatorCpuPct?: number;
  rssPerConnKiB?: number;
  /** `received/expected`, when deliveries were counted. */
  delivered?: string;
  notes: string[];
  failed?: string;
  /** The key of the reference target's row this row is compared with, when not its own key. */
  referenceKey?: string;
  /** false: the figures are shown for information only and kept out of the ratio table. */
  comparable?: boolean;
}

const COLUMNS: Array<[string, (r: ResultRow) => string]> = [
  ['scenario', (r) => r.scenario],
  ['target', (r) => r.target],
  ['deliveries/s', (r) => fmt(r.deliveriesPerSec, 0)],
  ['p50 ms', (r) => fmt(r.p50Ms, 1)],
  ['p99 ms', (r) => fmt(r.p99Ms, 1)],
  ['server CPU%', (r) => fmt(r.serverCpuPct, 0)],
  ['gen CPU%', (r) => fmt(r.generatorCpuPct, 0)],
  ['RSS/conn KiB', (r) => fmt(r.rssPerConnKiB, 1)],
  ['delivered', (r) => r.delivered ?? (r.failed ? 'FAILED' : '-')],
];

function fmt(n: number | undefined, digits: number): string {
  if (n === undefined || !Number.isFinite(n)) return '-';
  return n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]): string =>
    cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ').trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

export function renderResults(rows: ResultRow[]): string {
  const out = [table(COLUMNS.map(([h]) => h), rows.map((r) => COLUMNS.map(([, f]) => f(r))))];

  const notes = rows.filter((r) => r.failed || r.notes.length > 0);
  if (notes.length > 0) {
    out.push('', 'notes:');
    for (const r of notes) {
      if (r.failed) out.push(`  ${r.scenario} / ${r.target}: FAILED: ${r.failed}`);
      for (const n of r.notes) out.push(`  ${r.scenario} / ${r.target}: ${n}`);
    }
  }

  for (const [title, reference] of [['ceiling (bare ws)', 'bare ws'], ['socket.io', 'socket.io']] as const) {
    const ratios = ratioRows(rows, reference);
    if (ratios.length > 0) {
      out.push('', `ours / ${title}:`, table(['scenario', 'ours as', 'metric', 'ours', reference, 'ratio'], ratios));
    }
  }
  return out.join('\n');
}

/** Our two targets (plain topics, stored chat) are each compared with the reference target's row of the same key. */
const OURS = ['ours', 'ours stored'];

function ratioRows(rows: ResultRow[], reference: string): string[][] {
  const out: string[][] = [];
  const usable = (r: ResultRow): boolean => !r.failed && r.comparable !== false;
  for (const key of [...new Set(rows.map((r) => r.key))]) {
    for (const ours of rows.filter((r) => r.key === key && OURS.includes(r.target) && usable(r))) {
      const other = rows.find((r) => r.key === (ours.referenceKey ?? key) && r.target === reference && usable(r));
      if (!other) continue;
      const add = (metric: string, a: number | undefined, b: number | undefined, digits: number): void => {
        if (a === undefined || b === undefined || !Number.isFinite(a) || !Number.isFinite(b) || b === 0) return;
        out.push([ours.scenario, ours.target, metric, fmt(a, digits), fmt(b, digits), `${(a / b).toFixed(2)}x`]);
      };
      add('deliveries/s', ours.deliveriesPerSec, other.deliveriesPerSec, 0);
      add('p99 ms', ours.p99Ms, other.p99Ms, 1);
      add('server CPU%', ours.serverCpuPct, other.serverCpuPct, 0);
      add('RSS/conn KiB', ours.rssPerConnKiB, other.rssPerConnKiB, 1);
    }
  }
  return out;
}
