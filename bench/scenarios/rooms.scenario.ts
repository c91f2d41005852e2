/**
 * Many rooms: rooms × roomSize connections; each subscribes to its room's topic and publishes to it at
 * roomRate msg/s, so every message reaches roomSize subscribers (its sender included). This is the
 * chat-shaped load: many small fan-outs instead of one big one.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { BenchOptions, TargetName } from '../bench-options';
import { REPO_ROOT, routeFor, serverSpec, TARGET_LABELS } from '../bench-targets';
import { LoadSession, split } from '../load-session';
import type { ResultRow } from '../results-table';
import { withStoreNote } from '../store-metrics';
import { describePhase, phaseRow, type Log } from './phase-row';

export function roomTopic(room: number): string {
  return `/topic/bench-room-${room}`;
}

export async function runRooms(target: TargetName, o: BenchOptions, log: Log): Promise<ResultRow[]> {
  const label = TARGET_LABELS[target];
  const total = o.rooms * o.roomSize;
  const scenario = `rooms ${o.rooms}x${o.roomSize} @${o.roomRate}/s each`;
  let session: LoadSession | undefined;
  try {
    session = await LoadSession.start(serverSpec(target, total, o.heartbeatMs), REPO_ROOT, o.workers, total, o.heartbeatMs);
    await sleep(500);
    const rssBefore = session.server.rssBytes();
    const routes = Array.from({ length: total }, (_, i) => routeFor(target, roomTopic(Math.floor(i / o.roomSize))));
    const slices = split(routes, o.workers);
    const opened = await session.open(slices.map((slice) => slice.map((r) => r.subscribe)));
    if (opened.failed > 0) throw new Error(`${opened.failed} of ${total} connections failed: ${opened.errors.join('; ')}`);
    const rssPerConnKiB = (session.server.rssBytes() - rssBefore) / total / 1024;
    log(`${label}: ${total} sessions up in ${(opened.elapsedMs / 1000).toFixed(1)} s`);

    // Every connection publishes to its own room; a worker's publishers take turns at their summed rate.
    const plan = (seconds: number) => slices.map((slice) => ({
      publishers: slice.map((route, index) => [index, route.publish] as [number, string]),
      rate: slice.length * o.roomRate,
      durationMs: seconds * 1000,
      bodyBytes: o.bodyBytes,
      body: routes[0].body,
    }));
    const warm = await session.measure(1, plan(2), o.roomSize);
    log(`${label}: warm-up: ${describePhase(warm)}`);
    const measured = session;
    const row = await withStoreNote(target === 'stored' ? session.server.port : undefined, async () => {
      const r = await measured.measure(2, plan(o.durationS), o.roomSize);
      log(`${label}: ${scenario}: ${describePhase(r)}`);
      return phaseRow('rooms', scenario, label, r, rssPerConnKiB);
    });
    return [row];
  } catch (err) {
    return [{ key: 'rooms', scenario, target: label, notes: [], failed: err instanceof Error ? err.message : String(err) }];
  } finally {
    await session?.stop();
  }
}
