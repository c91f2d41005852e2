/**
 * Idle connections: N STOMP sessions, each with one subscription, heart-beating both ways and doing
 * nothing else. Measures the server's resident memory per session (VmRSS after the hold minus VmRSS
 * before the first connect, over N) and the CPU that heart-beats alone cost. `holdIdle` does the same
 * for any door (idle-doors.scenario.ts).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { BenchOptions, TargetName } from '../bench-options';
import { REPO_ROOT, serverSpec, TARGET_LABELS } from '../bench-targets';
import { cpuOf, LoadSession, split, sum, type OpenSummary } from '../load-session';
import type { ResultRow } from '../results-table';
import type { Log } from './phase-row';

/** Sessions per idle destination: shaped like chat rooms, not one giant topic. */
export const PER_DESTINATION = 10;

export async function runIdle(target: TargetName, o: BenchOptions, log: Log): Promise<ResultRow[]> {
  const destinations = Array.from({ length: o.idle }, (_, i) => `/topic/bench-idle-${Math.floor(i / PER_DESTINATION)}`);
  return [await holdIdle(target, o, log, {
    key: 'idle',
    scenario: `idle ${o.idle} sessions, hb ${o.heartbeatMs / 1000}s`,
    what: 'sessions',
    open: (session) => session.open(split(destinations, o.workers)),
  })];
}

export interface IdleDoor {
  key: string;
  scenario: string;
  /** What one connection is called in the notes: sessions, streams, polls. */
  what: string;
  open(session: LoadSession): Promise<OpenSummary>;
  /** The row this one's ratio is taken against, when not the reference target's row of the same key. */
  referenceKey?: string;
  /** Extra notes (how the door was driven). */
  notes?: string[];
}

/** Opens `door`'s connections on a fresh server of `target`, holds them idle, and reads memory and CPU. */
export async function holdIdle(target: TargetName, o: BenchOptions, log: Log, door: IdleDoor): Promise<ResultRow> {
  const label = TARGET_LABELS[target];
  const { key, scenario, what } = door;
  let session: LoadSession | undefined;
  try {
    session = await LoadSession.start(serverSpec(target, o.idle, o.heartbeatMs), REPO_ROOT, o.workers, o.idle, o.heartbeatMs);
    await sleep(1_000);
    const heapBefore = await session.server.collectGarbage();
    const rssBefore = session.server.rssBytes();
    const opened = await door.open(session);
    if (opened.opened === 0) throw new Error(`no connection could be opened: ${opened.errors.join('; ')}`);
    const rate = opened.opened / Math.max(0.001, opened.elapsedMs / 1000);
    log(`${label}: ${scenario}: ${opened.opened} ${what} up in ${(opened.elapsedMs / 1000).toFixed(1)} s (${rate.toFixed(0)}/s); holding ${o.idleHoldS} s`);

    const before = await session.stats();
    const serverCpuBefore = session.server.cpuSeconds();
    const heldFrom = Date.now();
    await sleep(o.idleHoldS * 1000);
    const after = await session.stats();
    const heldS = (Date.now() - heldFrom) / 1000;
    const serverCpuPct = ((session.server.cpuSeconds() - serverCpuBefore) / heldS) * 100;
    const heapAfter = await session.server.collectGarbage();
    const rssAfter = session.server.rssBytes();
    session.assertServerAlive();

    const open = sum(after, (s) => s.open);
    const lost = sum(after, (s) => s.lost);
    const heartbeats = sum(after, (s) => s.heartbeatsIn);
    const notes = [`${opened.opened} ${what} opened at ${rate.toFixed(0)}/s; ${open} still open after ${o.idleHoldS} s`, ...(door.notes ?? [])];
    if (opened.failed > 0) notes.push(`${opened.failed} ${what} failed to open: ${opened.errors.join('; ')}`);
    if (lost > 0) notes.push(`${lost} ${what} lost while idle`);
    if (o.heartbeatMs > 0 && o.idleHoldS * 1000 > o.heartbeatMs && heartbeats > 0) {
      notes.push(`server heart-beats received: ${(heartbeats / Math.max(1, opened.opened)).toFixed(1)} per connection`);
    }
    const heapPerConn = (heapAfter - heapBefore) / opened.opened / 1024;
    if (Number.isFinite(heapPerConn)) notes.push(`JS heap after a full GC: ${heapPerConn.toFixed(1)} KiB per connection (the rest of RSS/conn is native: sockets, buffers)`);
    for (const p of new Set(after.flatMap((s) => s.problems))) notes.push(p);
    log(`${label}: ${scenario}: RSS ${(rssBefore / 2 ** 20).toFixed(0)} -> ${(rssAfter / 2 ** 20).toFixed(0)} MiB, server CPU ${serverCpuPct.toFixed(1)}%`);
    return {
      key, scenario, target: label, referenceKey: door.referenceKey,
      serverCpuPct,
      generatorCpuPct: ((sum(after, cpuOf) - sum(before, cpuOf)) / 1e6 / heldS) * 100,
      rssPerConnKiB: (rssAfter - rssBefore) / opened.opened / 1024,
      notes,
    };
  } catch (err) {
    return { key, scenario, target: label, notes: [], failed: err instanceof Error ? err.message : String(err) };
  } finally {
    await session?.stop();
  }
}
