/** Shared by the scenarios: how a measured phase becomes a table row and a progress line. */
import type { PhaseResult } from '../load-session';
import type { ResultRow } from '../results-table';

export type Log = (line: string) => void;

export function phaseRow(key: string, scenario: string, target: string, r: PhaseResult, rssPerConnKiB?: number): ResultRow {
  const notes: string[] = [];
  if (r.received < r.expected) notes.push(`${r.expected - r.received} of ${r.expected} deliveries missing`);
  if (r.skipped > 0) notes.push(`${r.skipped} sends skipped: the publisher's socket was backed up`);
  if (r.lost > 0) notes.push(`${r.lost} connections lost`);
  for (const p of r.problems) notes.push(p);
  return {
    key, scenario, target,
    deliveriesPerSec: r.deliveriesPerSec,
    p50Ms: r.p50,
    p99Ms: r.p99,
    serverCpuPct: r.serverCpuPct,
    generatorCpuPct: r.generatorCpuPct,
    rssPerConnKiB,
    delivered: `${r.received}/${r.expected}`,
    notes,
  };
}

export function describePhase(r: PhaseResult): string {
  const n = (x: number, d = 0): string => (Number.isFinite(x) ? x.toFixed(d) : '-');
  return `${n(r.deliveriesPerSec)} deliveries/s, p50 ${n(r.p50, 1)} ms, p99 ${n(r.p99, 1)} ms, ` +
    `server CPU ${n(r.serverCpuPct)}%, generator CPU ${n(r.generatorCpuPct)}%, ` +
    `delivered ${r.received}/${r.expected}${r.skipped ? `, skipped ${r.skipped}` : ''}${r.lost ? `, lost ${r.lost}` : ''}`;
}

/** A phase counts as held when every message arrived, nothing was skipped and no session was lost. */
export function complete(r: PhaseResult): boolean {
  return r.received >= r.expected && r.skipped === 0 && r.lost === 0 && r.sent > 0;
}
