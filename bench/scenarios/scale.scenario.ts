/**
 * Cost linear in deliveries (#14 item 5): the same offered deliveries/s at every point of a grid of rooms ×
 * sessions (10 and 10,000 each by default), so that per-delivery CPU can be compared across the grid and
 * anything that scales with rooms or sessions per message shows up. Each session subscribes so that every
 * room has max(1, S/R) subscribers and every session max(1, R/S) rooms; messages go to the rooms in turn at
 * D / (subscribers per room) msg/s, each from one of the room's subscribers. Every point is a fresh server.
 * The idle CPU of the same sessions is measured before the load and taken off, then CPU = a·messages +
 * b·deliveries is fitted over the points (scale-plan.ts).
 */
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import type { BenchOptions, TargetName } from '../bench-options';
import { REPO_ROOT, routeFor, serverSpec, TARGET_LABELS } from '../bench-targets';
import { LoadSession, type PhaseResult } from '../load-session';
import type { ResultRow } from '../results-table';
import { describeStore, readStore } from '../store-metrics';
import { fitCommitCost, fitCost, planScale, roomsOf, spread, workerShares, type CostPoint, type ScalePlan } from '../scale-plan';
import { describePhase, phaseRow, type Log } from './phase-row';

/** Several /proc clock ticks at a few % of a core. */
const IDLE_MS = 3_000;
/**
 * No heart-beats: a generator sends all its sessions' heart-beats in one burst every half interval, so
 * at 10,000 sessions a 3 s idle window caught zero, one or two bursts and the idle figure taken off swung
 * from 4 % to 13 % of a core, more than the deliveries of a 1,000-subscriber point cost. What sessions
 * cost idle is the idle scenario's question.
 */
const HEARTBEAT_MS = 0;
/** The warm-up reaches every room at least once (stored rooms come into being with their first post). */
const WARM_MAX_S = 10;

export function scaleTopic(room: number): string {
  return `/topic/bench-scale-${room}`;
}

/**
 * Read- and write-family system calls `pid` has made so far (/proc/PID/io syscr + syscw), or NaN. On
 * loopback most of a delivery's CPU is its writev, so calls per delivery say how much batching a point got.
 */
export function syscalls(pid: number): number {
  try {
    const io = readFileSync(`/proc/${pid}/io`, 'utf8');
    const count = (name: string): number => Number(new RegExp(`^${name}:\\s+(\\d+)`, 'm').exec(io)?.[1] ?? NaN);
    return count('syscr') + count('syscw');
  } catch {
    return NaN;
  }
}

interface PointResult {
  plan: ScalePlan;
  phase: PhaseResult;
  idleCpuPct: number;
  /** Server CPU seconds of the phase minus the idle rate over the same span. */
  netCpuS: number;
  /** System calls of the phase minus the idle rate over the same span. */
  netSyscalls: number;
  rssPerConnKiB: number;
  /** The stored target's group commits over the phase (batches, posts per batch), when /metrics had them. */
  storeNote?: string;
  /** Group commits over the phase (stored target). */
  commits?: number;
}

export async function runScale(target: TargetName, o: BenchOptions, log: Log): Promise<ResultRow[]> {
  const label = TARGET_LABELS[target];
  const rows: ResultRow[] = [];
  const points: PointResult[] = [];
  for (const sessions of o.scaleSessions) {
    for (const rooms of o.scaleRooms) {
      const name = `scale ${rooms} rooms x ${sessions} sessions @${o.scaleDeliveries}/s`;
      const key = `scale-${rooms}x${sessions}`;
      try {
        const point = await runPoint(target, o, planScale(rooms, sessions, o.scaleDeliveries), log);
        points.push(point);
        rows.push(pointRow(key, name, label, point));
      } catch (err) {
        rows.push({ key, scenario: name, target: label, notes: [], failed: err instanceof Error ? err.message : String(err) });
      }
    }
  }
  rows.push(fitRow(label, points, o.scaleDeliveries));
  return rows;
}

async function runPoint(target: TargetName, o: BenchOptions, plan: ScalePlan, log: Log): Promise<PointResult> {
  const label = TARGET_LABELS[target];
  const tag = `${label}: ${plan.rooms} rooms x ${plan.sessions} sessions`;
  const started = Date.now();
  let session: LoadSession | undefined;
  try {
    session = await LoadSession.start(serverSpec(target, plan.sessions, HEARTBEAT_MS), REPO_ROOT, o.workers, plan.sessions, HEARTBEAT_MS);
    await sleep(500);
    const rssBefore = session.server.rssBytes();
    const routes = Array.from({ length: plan.rooms }, (_, r) => routeFor(target, scaleTopic(r)));
    const shares = workerShares(plan, o.workers);
    const opened = await session.open(shares.map((share) => share.sessions.map((s) => {
      const subscriptions = roomsOf(plan, s).map((r) => routes[r].subscribe);
      return subscriptions.length === 1 ? subscriptions[0] : subscriptions;
    })));
    if (opened.failed > 0) throw new Error(`${opened.failed} of ${plan.sessions} connections failed: ${opened.errors.join('; ')}`);
    const rssPerConnKiB = (session.server.rssBytes() - rssBefore) / plan.sessions / 1024;
    log(`${tag}: sessions up in ${(opened.elapsedMs / 1000).toFixed(1)} s, ${plan.messagesPerSec} msg/s to ${plan.subscribersPerRoom} each`);

    const publishing = (seconds: number) => shares.map((share) => (share.sends.length === 0 ? undefined : {
      publishers: share.sends.map(([index, room]) => [index, routes[room].publish] as [number, string]),
      rate: share.rate,
      durationMs: seconds * 1000,
      bodyBytes: o.bodyBytes,
      body: routes[0].body,
    }));
    const warmS = Math.min(WARM_MAX_S, Math.max(2, (1.2 * plan.rooms) / plan.messagesPerSec));
    const warm = await session.measure(1, publishing(warmS), plan.subscribersPerRoom);
    log(`${tag}: warm-up ${warmS.toFixed(1)} s: ${describePhase(warm)}`);

    const pid = session.server.pid;
    const idleFrom = performance.now();
    const idleCpuBefore = session.serverCpuSeconds();
    const idleCallsBefore = syscalls(pid);
    await sleep(IDLE_MS);
    const idleS = (performance.now() - idleFrom) / 1000;
    const idleCpuPct = ((session.serverCpuSeconds() - idleCpuBefore) / idleS) * 100;
    const idleCallsPerS = (syscalls(pid) - idleCallsBefore) / idleS;

    // Read outside the CPU and system-call windows: the /metrics request is not the load's.
    const storeBefore = target === 'stored' ? await readStore(session.server.port) : undefined;
    const callsBefore = syscalls(pid);
    const phase = await session.measure(2, publishing(o.scaleDurationS), plan.subscribersPerRoom);
    const netCpuS = ((phase.serverCpuPct - idleCpuPct) / 100) * phase.spanS;
    const netSyscalls = syscalls(pid) - callsBefore - idleCallsPerS * phase.spanS;
    const storeAfter = storeBefore ? await readStore(session.server.port) : undefined;
    const storeNote = storeBefore && storeAfter ? describeStore(storeBefore, storeAfter) : undefined;
    const commits = storeBefore && storeAfter ? storeAfter.batches - storeBefore.batches : undefined;
    log(`${tag}: ${describePhase(phase)}, idle ${idleCpuPct.toFixed(1)}% (point took ${((Date.now() - started) / 1000).toFixed(0)} s)`);
    return { plan, phase, idleCpuPct, netCpuS, netSyscalls, rssPerConnKiB, storeNote, commits };
  } finally {
    await session?.stop();
  }
}

function micros(seconds: number, count: number): string {
  return count > 0 ? `${((seconds / count) * 1e6).toFixed(1)} µs` : '-';
}

function pointRow(key: string, scenario: string, target: string, point: PointResult): ResultRow {
  const { plan, phase, idleCpuPct, netCpuS, netSyscalls } = point;
  const row = phaseRow(key, scenario, target, phase, point.rssPerConnKiB);
  row.notes.unshift(
    `${plan.subscribersPerRoom} subscribers per room, ${plan.roomsPerSession} rooms per session, ${plan.messagesPerSec} msg/s; ` +
    `idle ${idleCpuPct.toFixed(1)}% taken off: ${(netCpuS * 1000).toFixed(0)} ms CPU for ${phase.sent} messages and ` +
    `${phase.received} deliveries = ${micros(netCpuS, phase.received)}/delivery, ${micros(netCpuS, phase.sent)}/message; ` +
    `${(netSyscalls / Math.max(1, phase.received)).toFixed(2)} read/write system calls per delivery`,
  );
  if (point.storeNote) row.notes.push(point.storeNote);
  return row;
}

function fitRow(target: string, points: PointResult[], deliveries: number): ResultRow {
  const row: ResultRow = { key: 'scale-fit', scenario: `scale: CPU = a·messages + b·deliveries @${deliveries}/s`, target, notes: [], comparable: false };
  const costs: CostPoint[] = points.map((p) => ({ messages: p.phase.sent, deliveries: p.phase.received, cpuSeconds: p.netCpuS }));
  const fit = fitCost(costs);
  if (!fit) {
    row.notes.push(`${points.length} grid points measured: too few (or too alike) to tell a per-message from a per-delivery cost`);
    return row;
  }
  row.notes.push(`a = ${fit.perMessageMicros.toFixed(1)} µs per message, b = ${fit.perDeliveryMicros.toFixed(2)} µs per delivery`);
  const perCall = points.map((p) => (p.netSyscalls > 0 ? (p.netCpuS / p.netSyscalls) * 1e6 : NaN));
  row.notes.push(points.map((p, i) => {
    const measured = costs[i].cpuSeconds;
    const pct = measured !== 0 ? ` (${((fit.residuals[i] / measured) * 100).toFixed(0)}%)` : '';
    return `${p.plan.rooms}x${p.plan.sessions}: residual ${(fit.residuals[i] * 1000).toFixed(0)} ms${pct}, ` +
      `net ${fit.netPerDeliveryMicros[i].toFixed(2)} µs/delivery, ${perCall[i].toFixed(1)} µs per system call`;
  }).join('; '));
  const ratio = spread(fit.netPerDeliveryMicros);
  const callRatio = spread(perCall);
  row.notes.push(Number.isFinite(ratio)
    ? `per-delivery CPU net of the per-message share: max/min ${ratio.toFixed(2)}x over the grid (${flatness(ratio)}); ` +
      `CPU per read/write system call: ${callRatio.toFixed(2)}x` +
      (ratio > 1.5 && callRatio <= 1.5 ? ' (so the difference is how many calls a delivery took, i.e. batching, not work per room or session)' : '') +
      '. The fit takes a message\'s cost as fixed; where batching differs (few messages per commit or per turn at low rates) ' +
      'it is not, and the residuals show it: compare the points with a CPU profile before blaming rooms or sessions'
    : 'per-delivery CPU net of the per-message share: not positive at two or more points, no ratio');
  const withCommits = points.every((p) => p.commits !== undefined)
    ? fitCommitCost(points.map((p, i) => ({ ...costs[i], commits: p.commits ?? 0 })))
    : undefined;
  if (withCommits) {
    row.notes.push(`with the group commits as a third cost: ${withCommits.perMessageMicros.toFixed(1)} µs per message, ` +
      `${withCommits.perCommitMicros.toFixed(0)} µs per commit, ${withCommits.perDeliveryMicros.toFixed(2)} µs per delivery; residuals ` +
      withCommits.residuals.map((r, i) => `${(r * 1000).toFixed(0)} ms${costs[i].cpuSeconds !== 0 ? ` (${((r / costs[i].cpuSeconds) * 100).toFixed(0)}%)` : ''}`).join(', '));
  }
  return row;
}

/** Two cores shared with the generator: within 1.5x is as flat as this machine can tell. */
function flatness(ratio: number): string {
  if (ratio <= 1.5) return 'flat within this machine\'s noise';
  if (ratio <= 2.5) return 'roughly flat; run again before reading more into it';
  return 'not flat';
}
