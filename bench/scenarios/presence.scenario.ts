/**
 * Presence and typing in one room (#13): N named users (CONNECT `login`) in one room, what their joins
 * and their typing cost on the wire and in the server's CPU.
 *
 * 1. joins: one user after another, at a steady rate, SUBSCRIBEs to the room's events and then to its
 *    messages (which makes them present); each join is announced to everyone already listening, so user i
 *    of N sees N - i joins (their own included) and the phase delivers N(N+1)/2. A user's next join starts
 *    only after the previous one's RECEIPT, by which time its join event has been published: the count is
 *    exact. Then one SUBSCRIBE to /app/rooms/{room}/presence must list all N.
 * 2. typing: K of them send `{"typing":true}` every --presence-typing-interval ms for --duration s; each
 *    event that passes the server's one-per-second throttle reaches all N. Expected deliveries are the
 *    events the typists saw of themselves × N, so a throttled SEND is told apart from a lost delivery.
 *    (A server that falls behind reads a typist's SENDs late and in bunches, and the throttle drops the
 *    bunched ones: the notes count them.)
 *    5 s after the last one, each typist's typing ends by itself: K × N more deliveries.
 * 3. idle: N present users, no traffic but heart-beats, for --presence-idle s.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { BenchOptions, TargetName } from '../bench-options';
import { wallClockMillis } from '../bench-payload';
import { REPO_ROOT, serverSpec, TARGET_LABELS } from '../bench-targets';
import { LatencyHistogram } from '../latency-histogram';
import { cpuOf, LoadSession, split, sum } from '../load-session';
import { ROOM_EVENT_KINDS, type RoomEventKind } from '../room-event-tally';
import type { ResultRow } from '../results-table';
import type { PublishCommand, StatsResult } from '../worker-protocol';
import type { Log } from './phase-row';

export const PRESENCE_ROOM = 'bench-presence';
const ROOM_TOPIC = `/topic/rooms/${PRESENCE_ROOM}`;
const EVENTS = `${ROOM_TOPIC}/events`;
const TYPING = `/app/rooms/${PRESENCE_ROOM}/typing`;
const SNAPSHOT = `/app/rooms/${PRESENCE_ROOM}/presence`;
/** The server ends a typist's typing this long after their last "typing" (libs/chat/src/presence/room-typing.ts). */
const TYPING_TIMEOUT_MS = 5_000;
/** One join, or the snapshot, may take this long on a loaded machine before the scenario fails. */
const STEP_TIMEOUT_MS = 30_000;

export function presenceUser(i: number): string {
  return `bench-user-${i}`;
}

export async function runPresence(target: TargetName, o: BenchOptions, log: Log): Promise<ResultRow[]> {
  const label = TARGET_LABELS[target];
  const n = o.presenceUsers;
  const typists = Math.min(o.presenceTypers, n);
  const names = {
    join: `presence ${n} users: joins @${o.presenceJoinRate}/s`,
    typing: `presence ${n} users: ${typists} typing /${o.presenceTypingMs}ms`,
    idle: `presence ${n} users: idle ${o.presenceIdleS}s`,
  };
  if (target === 'stored') {
    // Presence and typing are never stored: the stored target would run the very same load again.
    return [{ key: 'presence-join', scenario: names.join, target: label, notes: [], failed: 'skipped: the same as ours (room events are not stored)' }];
  }
  if (target !== 'ours') {
    return [{ key: 'presence-join', scenario: names.join, target: label, notes: [], failed: 'skipped: presence and typing are room events of our chat' }];
  }
  const rows: ResultRow[] = [];
  let session: LoadSession | undefined;
  try {
    session = await LoadSession.start(serverSpec(target, n, o.heartbeatMs), REPO_ROOT, o.workers, n, o.heartbeatMs);
    await sleep(500);
    const rssBefore = session.server.rssBytes();
    const slices = split(Array.from({ length: n }, (_, i) => presenceUser(i)), o.workers);
    /** User i is connection where[i][1] of worker where[i][0]. */
    const where = slices.flatMap((slice, w) => slice.map((_, j) => [w, j] as const));
    const opened = await session.open(slices.map((slice) => slice.map(() => null)), undefined, slices);
    if (opened.failed > 0) throw new Error(`${opened.failed} of ${n} connections failed: ${opened.errors.join('; ')}`);
    log(`${label}: ${n} named sessions up in ${(opened.elapsedMs / 1000).toFixed(1)} s, in no room yet`);

    const join = await joinPhase(session, o, where);
    const rssPerConnKiB = (session.server.rssBytes() - rssBefore) / n / 1024;
    rows.push(join.row(names.join, label, rssPerConnKiB));
    log(`${label}: ${names.join}: ${join.summary}`);

    if (typists > 0) {
      const typing = await typingPhase(session, o, where, typists);
      rows.push({ ...typing.row, scenario: names.typing, target: label });
      log(`${label}: ${names.typing}: ${typing.summary}`);
    }
    if (o.presenceIdleS > 0) {
      const idle = await idlePhase(session, o);
      rows.push({ ...idle, scenario: names.idle, target: label });
      log(`${label}: ${names.idle}: server CPU ${idle.serverCpuPct?.toFixed(1)}%`);
    }
  } catch (err) {
    const failed = err instanceof Error ? err.message : String(err);
    const [key, scenario] = rows.length === 0 ? ['presence-join', names.join] : rows.length === 1 ? ['presence-typing', names.typing] : ['presence-idle', names.idle];
    rows.push({ key, scenario, target: label, notes: [], failed });
  } finally {
    await session?.stop();
  }
  return rows;
}

async function joinPhase(session: LoadSession, o: BenchOptions, where: ReadonlyArray<readonly [number, number]>) {
  const n = where.length;
  const before = await session.stats();
  const cpuBefore = session.serverCpuSeconds();
  const startedAt = wallClockMillis();
  const roundTrips = new LatencyHistogram();
  for (let i = 0; i < n; i++) {
    const wait = startedAt + (i * 1000) / o.presenceJoinRate - wallClockMillis();
    if (wait > 0) await sleep(wait);
    const [worker, index] = where[i];
    // Events first: the user then sees their own join, and everyone's after it.
    const { elapsedMs } = await session.pool.subscribe(worker, { index, destinations: [EVENTS, ROOM_TOPIC], timeoutMs: STEP_TIMEOUT_MS });
    roundTrips.recordMillis(elapsedMs);
  }
  const joinedAt = wallClockMillis();
  const expected = (n * (n + 1)) / 2;
  const after = await session.drain(0, (s) => tally(s, 'join').received, () => expected);
  const cpuAfter = session.serverCpuSeconds();
  session.assertServerAlive();
  const joins = tally(after, 'join');
  const spanS = Math.max(0.001, (Math.max(joins.lastReceiveAt, joinedAt) - startedAt) / 1000);

  const [snapshotWorker, snapshotIndex] = where[0];
  const reply = await session.pool.request(snapshotWorker, { index: snapshotIndex, destination: SNAPSHOT, timeoutMs: STEP_TIMEOUT_MS });
  const present = presentUsers(reply.body);

  const joinS = (joinedAt - startedAt) / 1000;
  const notes = [
    `${n} joins, one after another, in ${joinS.toFixed(1)} s (${(n / Math.max(0.001, joinS)).toFixed(0)}/s); ` +
    `SUBSCRIBE to RECEIPT p50 ${roundTrips.percentileMillis(0.5).toFixed(1)} ms, p99 ${roundTrips.percentileMillis(0.99).toFixed(1)} ms`,
    `every join event delivered ${spanS.toFixed(1)} s after the first join; latency is the event's "at" (server clock, whole ms) to its receipt`,
    `SUBSCRIBE ${SNAPSHOT}: ${present} users (${reply.body.length} bytes, ${reply.elapsedMs.toFixed(0)} ms)`,
    ...shortfalls(before, after, joins.received, expected),
  ];
  if (present !== n) notes.unshift(`the presence snapshot lists ${present} users, not ${n}`);
  return {
    summary: `${joins.received}/${expected} join deliveries in ${spanS.toFixed(1)} s, server CPU ${(((cpuAfter - cpuBefore) / spanS) * 100).toFixed(0)}%, snapshot ${present} users`,
    row: (scenario: string, target: string, rssPerConnKiB: number): ResultRow => ({
      key: 'presence-join', scenario, target,
      deliveriesPerSec: joins.received / spanS,
      p50Ms: joins.histogram.percentileMillis(0.5),
      p99Ms: joins.histogram.percentileMillis(0.99),
      serverCpuPct: ((cpuAfter - cpuBefore) / spanS) * 100,
      generatorCpuPct: generatorCpu(before, after, spanS),
      rssPerConnKiB,
      delivered: `${joins.received}/${expected}`,
      notes,
    }),
  };
}

async function typingPhase(session: LoadSession, o: BenchOptions, where: ReadonlyArray<readonly [number, number]>, typists: number) {
  const n = where.length;
  // Spread evenly over the users, hence over the workers.
  const publishers: Array<Array<[number, string]>> = Array.from({ length: session.pool.size }, () => []);
  for (let t = 0; t < typists; t++) {
    const [worker, index] = where[Math.floor((t * n) / typists)];
    publishers[worker].push([index, TYPING]);
  }
  const before = await session.stats();
  const cpuBefore = session.serverCpuSeconds();
  const startedAt = wallClockMillis();
  const published = await Promise.all(publishers.map((mine, i) => {
    if (mine.length === 0) return undefined;
    const plan: Omit<PublishCommand, 'kind'> = {
      phase: 0, publishers: mine, rate: (mine.length * 1000) / o.presenceTypingMs, durationMs: o.durationS * 1000, bodyBytes: 0, body: 'typing',
    };
    return session.pool.publish(i, plan);
  }));
  const lastSendAt = wallClockMillis();
  const sent = sum(published, (r) => r?.sent ?? 0);
  const skipped = sum(published, (r) => r?.skipped ?? 0);
  const passed = (s: StatsResult[]): number => sum(s, (x) => x.ownTyping) - sum(before, (x) => x.ownTyping);
  const typingOf = (s: StatsResult[]): number => tally(s, 'typing').received - tally(before, 'typing').received;
  // How many SENDs passed the throttle is known only once everything has arrived (a typist's own copy comes
  // no sooner than the others'), so the wait is for every SEND's deliveries, ending early when none come.
  const after = await session.drain(0, typingOf, () => sent * n);
  const cpuAfter = session.serverCpuSeconds();
  session.assertServerAlive();
  const typing = tally(after, 'typing');
  const received = typingOf(after);
  const expected = passed(after) * n;
  const spanS = Math.max(o.durationS, (Math.max(typing.lastReceiveAt, lastSendAt) - startedAt) / 1000);

  // Each typist's typing ends by itself TYPING_TIMEOUT_MS after their last SEND: one "typing":false each, to all.
  await sleep(Math.max(0, lastSendAt + TYPING_TIMEOUT_MS + 200 - wallClockMillis()));
  const stopsExpected = typists * n;
  const stopped = await session.drain(0, (s) => tally(s, 'typing-stop').received, () => stopsExpected);
  const stops = tally(stopped, 'typing-stop');

  const offered = (typists * n * 1000) / o.presenceTypingMs;
  const notes = [
    `${typists} typists sent ${sent} "typing" SENDs (one each every ${o.presenceTypingMs} ms for ${o.durationS} s, ` +
    `${offered.toFixed(0)} deliveries/s offered); ${passed(after)} became events, ${sent - passed(after)} did not: the 1/s throttle ` +
    `drops a typist's SENDs that the server handles under 1 s apart, which happens when it reads them late, in bunches`,
    `typing ended by itself: ${stops.received}/${stopsExpected} "typing":false deliveries, the last ` +
    `${stops.lastReceiveAt > 0 ? ((stops.lastReceiveAt - lastSendAt) / 1000).toFixed(1) : '-'} s after the last SEND ` +
    `(${(TYPING_TIMEOUT_MS / 1000).toFixed(1)} s when the server keeps up; more is how late it read the last SENDs, ` +
    `which the latency, stamped by the server, leaves out)`,
    ...shortfalls(before, after, received, expected),
  ];
  if (skipped > 0) notes.push(`${skipped} SENDs skipped: the typist's socket was backed up`);
  if (stops.received < stopsExpected) notes.unshift(`${stopsExpected - stops.received} of ${stopsExpected} "typing":false deliveries missing`);
  const serverCpuPct = ((cpuAfter - cpuBefore) / spanS) * 100;
  return {
    summary: `${received}/${expected} typing deliveries, ${(received / spanS).toFixed(0)}/s, server CPU ${serverCpuPct.toFixed(0)}%, ` +
      `${stops.received}/${stopsExpected} typing stops`,
    row: {
      key: 'presence-typing',
      deliveriesPerSec: received / spanS,
      p50Ms: typing.histogram.percentileMillis(0.5),
      p99Ms: typing.histogram.percentileMillis(0.99),
      serverCpuPct,
      generatorCpuPct: generatorCpu(before, after, spanS),
      delivered: `${received}/${expected}`,
      notes,
    },
  };
}

async function idlePhase(session: LoadSession, o: BenchOptions): Promise<Omit<ResultRow, 'scenario' | 'target'>> {
  const before = await session.stats();
  const cpuBefore = session.serverCpuSeconds();
  const from = Date.now();
  await sleep(o.presenceIdleS * 1000);
  const after = await session.stats();
  const heldS = (Date.now() - from) / 1000;
  const cpuAfter = session.serverCpuSeconds();
  session.assertServerAlive();
  const late = ROOM_EVENT_KINDS
    .map((kind) => [kind, tally(after, kind).received - tally(before, kind).received] as const)
    .filter(([, count]) => count > 0);
  const notes = [
    `${sum(after, (s) => s.open)} present users' sessions, no room traffic; heart-beats every ${o.heartbeatMs / 1000} s each way; ` +
    `${sum(late, ([, count]) => count)} room events meanwhile`,
  ];
  if (late.length > 0) {
    notes.push(`late deliveries of the phases before (the server was still behind, and this CPU% includes them): ` +
      late.map(([kind, count]) => `${count} ${kind}`).join(', '));
  }
  const lost = sum(after, (s) => s.lost) - sum(before, (s) => s.lost);
  if (lost > 0) notes.push(`${lost} sessions lost while idle`);
  return { key: 'presence-idle', serverCpuPct: ((cpuAfter - cpuBefore) / heldS) * 100, generatorCpuPct: generatorCpu(before, after, heldS), notes };
}

/** One kind of room event over every worker: how many, the last one's arrival, the merged latencies. */
function tally(stats: StatsResult[], kind: RoomEventKind): { received: number; lastReceiveAt: number; histogram: LatencyHistogram } {
  const histogram = new LatencyHistogram();
  let received = 0;
  let lastReceiveAt = 0;
  for (const s of stats) {
    const e = s.roomEvents[kind];
    if (!e) continue;
    received += e.received;
    lastReceiveAt = Math.max(lastReceiveAt, e.lastReceiveAt);
    histogram.merge(e.histogram);
  }
  return { received, lastReceiveAt, histogram };
}

function shortfalls(before: StatsResult[], after: StatsResult[], received: number, expected: number): string[] {
  const notes: string[] = [];
  if (received < expected) notes.push(`${expected - received} of ${expected} deliveries missing`);
  const lost = sum(after, (s) => s.lost) - sum(before, (s) => s.lost);
  if (lost > 0) notes.push(`${lost} connections lost`);
  for (const p of new Set(after.flatMap((s) => s.problems))) notes.push(p);
  return notes;
}

function generatorCpu(before: StatsResult[], after: StatsResult[], spanS: number): number {
  return ((sum(after, cpuOf) - sum(before, cpuOf)) / 1e6 / spanS) * 100;
}

/** The number of users in a presence snapshot's body, or -1 when it is not one. */
function presentUsers(body: string): number {
  try {
    const snapshot = JSON.parse(body) as { type?: unknown; users?: unknown };
    return snapshot.type === 'presence' && Array.isArray(snapshot.users) ? snapshot.users.length : -1;
  } catch {
    return -1;
  }
}
