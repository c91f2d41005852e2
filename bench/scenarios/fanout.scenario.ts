/**
 * Fan-out: one publisher, N subscribers on one plain broker topic. A fixed-rate phase, then a ramp of
 * publish rates that stops at the first step whose p99 reaches the bound (or that loses a message)
 * twice in a row; the last step that held is "the highest rate with p99 < bound".
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { BenchOptions, TargetName } from '../bench-options';
import { REPO_ROOT, routeFor, serverSpec, TARGET_LABELS, type Route } from '../bench-targets';
import { LoadSession, split, type OpenSummary, type PhaseResult } from '../load-session';
import type { ResultRow } from '../results-table';
import type { PublishCommand } from '../worker-protocol';
import { withStoreNote } from '../store-metrics';
import { complete, describePhase, phaseRow, type Log } from './phase-row';

export const FANOUT_TOPIC = '/topic/bench';
/** Publish rates (msg/s) of the ramp's steps; at 1,000 subscribers, ×1,000 deliveries/s. */
export type Plan = Omit<PublishCommand, 'kind' | 'phase'> & { body: Route['body'] };
const RAMP_RATES = [2, 5, 10, 15, 20, 30, 40, 60, 80, 100, 130, 160, 200, 250, 320, 400, 500, 650, 800, 1000, 1300, 1600, 2000];

/**
 * Opens `o.subscribers` subscribers of `route` spread over the workers, and the publisher as one more
 * connection of worker 0, subscribed to nothing; fails unless every connection opened.
 */
export async function openFanout(session: LoadSession, route: Route, o: BenchOptions): Promise<{ publisherIndex: number; opened: OpenSummary }> {
  const slices: Array<Array<string | null>> = split(Array<string>(o.subscribers).fill(route.subscribe), o.workers);
  const publisherIndex = slices[0].length;
  slices[0] = [...slices[0], null];
  const opened = await session.open(slices);
  const total = o.subscribers + 1;
  if (opened.failed > 0) throw new Error(`${opened.failed} of ${total} connections failed: ${opened.errors.join('; ')}`);
  return { publisherIndex, opened };
}

export async function runFanout(target: TargetName, o: BenchOptions, log: Log): Promise<ResultRow[]> {
  const label = TARGET_LABELS[target];
  const scenario = `fanout ${o.subscribers} subs @${o.rate}/s`;
  const rampScenario = `fanout ${o.subscribers} ramp, p99<${o.rampMaxP99Ms}ms`;
  const rows: ResultRow[] = [];
  const total = o.subscribers + 1;
  let session: LoadSession | undefined;
  try {
    session = await LoadSession.start(serverSpec(target, total, o.heartbeatMs), REPO_ROOT, o.workers, total, o.heartbeatMs);
    await sleep(500);
    const rssBefore = session.server.rssBytes();
    const route = routeFor(target, FANOUT_TOPIC);
    const { publisherIndex, opened } = await openFanout(session, route, o);
    const rssPerConnKiB = (session.server.rssBytes() - rssBefore) / total / 1024;
    log(`${label}: ${total} sessions up in ${(opened.elapsedMs / 1000).toFixed(1)} s`);

    const plan = (rate: number, seconds: number): Plan[] => [{
      publishers: [[publisherIndex, route.publish]], rate, durationMs: seconds * 1000, bodyBytes: o.bodyBytes, body: route.body,
    }];
    const warm = await session.measure(1, plan(Math.min(10, o.rate), 2), o.subscribers);
    log(`${label}: warm-up: ${describePhase(warm)}`);

    const measured = session;
    rows.push(await withStoreNote(target === 'stored' ? session.server.port : undefined, async () => {
      const fixed = await measured.measure(2, plan(o.rate, o.durationS), o.subscribers);
      log(`${label}: ${scenario}: ${describePhase(fixed)}`);
      return phaseRow('fanout-fixed', scenario, label, fixed, rssPerConnKiB);
    }));

    if (o.ramp) rows.push(await ramp(session, o, plan, label, rampScenario, log));
  } catch (err) {
    const failed = err instanceof Error ? err.message : String(err);
    if (rows.length === 0) rows.push({ key: 'fanout-fixed', scenario, target: label, notes: [], failed });
    else rows.push({ key: 'fanout-ramp', scenario: rampScenario, target: label, notes: [], failed });
  } finally {
    await session?.stop();
  }
  return rows;
}

export async function ramp(
  session: LoadSession,
  o: BenchOptions,
  plan: (rate: number, seconds: number) => Plan[],
  label: string,
  scenario: string,
  log: Log,
): Promise<ResultRow> {
  let best: { rate: number; result: PhaseResult } | undefined;
  let first: { rate: number; result: PhaseResult } | undefined;
  let stoppedBy = `reached --ramp-max-rate ${o.rampMaxRate}`;
  const rates = RAMP_RATES.filter((r) => r <= o.rampMaxRate);
  let phase = 10;
  let retried = false;
  for (let step = 0; step < rates.length; step++) {
    const rate = rates[step];
    const r = await session.measure(phase++, plan(rate, o.rampStepS), o.subscribers);
    first ??= { rate, result: r };
    const held = complete(r) && r.p99 < o.rampMaxP99Ms;
    log(`${label}: ramp ${rate} msg/s (${rate * o.subscribers} deliveries/s offered): ${describePhase(r)}${held ? '' : retried ? '  <- over' : '  <- over, once more'}`);
    if (!held && !retried) {
      // One stall of a shared machine should not end the ramp: a step must fail twice to count.
      retried = true;
      step--;
      continue;
    }
    retried = false;
    if (!held) {
      stoppedBy = `${rate} msg/s did not hold: p99 ${r.p99.toFixed(1)} ms, delivered ${r.received}/${r.expected}` +
        `${r.skipped ? `, ${r.skipped} sends skipped` : ''}${r.lost ? `, ${r.lost} sessions lost` : ''}`;
      break;
    }
    best = { rate, result: r };
  }
  if (!best) {
    if (!first) return { key: 'fanout-ramp', scenario, target: label, notes: [], failed: 'the ramp has no step under --ramp-max-rate' };
    // Not a harness failure: the target (or the machine) could not meet the bound at all.
    const row = phaseRow('fanout-ramp', scenario, label, first.result);
    row.notes.unshift(`no step held; figures are the lowest step's (${first.rate} msg/s): ${stoppedBy}`);
    row.comparable = false;
    return row;
  }
  const row = phaseRow('fanout-ramp', scenario, label, best.result);
  row.notes.unshift(`held ${best.rate} msg/s; ${stoppedBy}`);
  return row;
}
