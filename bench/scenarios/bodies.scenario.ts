/**
 * Body sizes (S4): the fan-out of fanout.scenario at its fixed rate, once with small bodies and once with
 * big ones, on the same sessions. A big body must be encoded once and written without a copy per
 * subscriber, so its latency should stay near the small body's. The stored target skips the big body:
 * a chat message's text is at most 4,000 characters.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { BenchOptions, TargetName } from '../bench-options';
import { REPO_ROOT, routeFor, serverSpec, TARGET_LABELS } from '../bench-targets';
import { LoadSession } from '../load-session';
import type { ResultRow } from '../results-table';
import { FANOUT_TOPIC, openFanout, type Plan } from './fanout.scenario';
import { describePhase, phaseRow, type Log } from './phase-row';

export const BODY_SIZES = [100, 16 * 1024] as const;
const STORED_MAX_BODY = 3_900;

export async function runBodies(target: TargetName, o: BenchOptions, log: Log): Promise<ResultRow[]> {
  const label = TARGET_LABELS[target];
  const name = (bytes: number): string => `bodies ${bytes} B, ${o.subscribers} subs @${o.rate}/s`;
  const rows: ResultRow[] = [];
  const total = o.subscribers + 1;
  let session: LoadSession | undefined;
  try {
    session = await LoadSession.start(serverSpec(target, total, o.heartbeatMs), REPO_ROOT, o.workers, total, o.heartbeatMs);
    await sleep(500);
    const route = routeFor(target, FANOUT_TOPIC);
    const { publisherIndex } = await openFanout(session, route, o);
    let phase = 1;
    for (const bytes of BODY_SIZES) {
      const key = `bodies-${bytes}`;
      if (route.body === 'chat-json' && bytes > STORED_MAX_BODY) continue;
      const plan = (rate: number, seconds: number): Plan[] => [{
        publishers: [[publisherIndex, route.publish]], rate, durationMs: seconds * 1000, bodyBytes: bytes, body: route.body,
      }];
      await session.measure(phase++, plan(Math.min(10, o.rate), 1), o.subscribers);
      const r = await session.measure(phase++, plan(o.rate, o.durationS), o.subscribers);
      log(`${label}: ${name(bytes)}: ${describePhase(r)}`);
      rows.push(phaseRow(key, name(bytes), label, r));
    }
  } catch (err) {
    rows.push({ key: 'bodies', scenario: 'bodies', target: label, notes: [], failed: err instanceof Error ? err.message : String(err) });
  } finally {
    await session?.stop();
  }
  return rows;
}
