/**
 * One scenario against one target: the server process, the worker processes, and the measurement of
 * a publishing phase (send, wait for every delivery, merge the workers' histograms, read CPU).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { wallClockMillis } from './bench-payload';
import { LatencyHistogram } from './latency-histogram';
import { ServerProcess, type ServerSpec } from './server-process';
import { split, WorkerPool } from './worker-pool';
import type { ClientKind, OpenResult, PublishCommand, StatsResult } from './worker-protocol';

export interface PhaseResult {
  sent: number;
  skipped: number;
  expected: number;
  received: number;
  deliveriesPerSec: number;
  p50: number;
  p99: number;
  /** % of one core, over the span from the first send to the last delivery. */
  serverCpuPct: number;
  generatorCpuPct: number;
  spanS: number;
  lost: number;
  problems: string[];
}

export interface OpenSummary {
  opened: number;
  failed: number;
  elapsedMs: number;
  errors: string[];
}

/** A drain ends when every delivery arrived, or nothing arrived for this long. */
const DRAIN_IDLE_MS = 2_000;
const DRAIN_MAX_MS = 15_000;
const OPEN_CONCURRENCY = 64;

export class LoadSession {
  /** More nodes of a cluster (started by the scenario): their CPU counts as the server's, their death fails the run. */
  private readonly others: ServerProcess[] = [];

  private constructor(
    readonly server: ServerProcess,
    readonly pool: WorkerPool,
    private readonly heartbeatMs: number,
  ) {}

  static async start(spec: ServerSpec, cwd: string, workers: number, connections: number, heartbeatMs: number): Promise<LoadSession> {
    const server = await ServerProcess.start(spec, cwd);
    const pool = WorkerPool.start(workers, Math.ceil(connections / workers) + 256);
    return new LoadSession(server, pool, heartbeatMs);
  }

  /** Another node of the same cluster, started from `spec`; stopped with the session. */
  async addNode(spec: ServerSpec, cwd: string): Promise<ServerProcess> {
    const node = await ServerProcess.start(spec, cwd);
    this.others.push(node);
    return node;
  }

  /**
   * Opens worker i's connections from `slices[i]` (what each subscribes to, or null), on `server` (the
   * first node by default), each CONNECTing with `logins[i][j]` when given. Each call appends to the
   * workers' connections, so indices continue.
   */
  async open(
    slices: Array<Array<string | string[] | null>>,
    server: ServerProcess = this.server,
    logins?: Array<Array<string | null>>,
    door?: { client: ClientKind; url: string },
  ): Promise<OpenSummary> {
    const results: OpenResult[] = await Promise.all(slices.map((subscriptions, i) =>
      this.pool.open(i, {
        url: door?.url ?? server.clientUrl, client: door?.client ?? server.client, protocol: 'v12.stomp',
        heartbeatMs: this.heartbeatMs, subscriptions,
        logins: logins?.[i], concurrency: OPEN_CONCURRENCY, timeoutMs: 30_000,
      }, 120_000 + subscriptions.length * 20)));
    this.assertServerAlive();
    return {
      opened: results.reduce((n, r) => n + r.opened, 0),
      failed: results.reduce((n, r) => n + r.failed, 0),
      elapsedMs: Math.max(...results.map((r) => r.elapsedMs)),
      errors: [...new Set(results.flatMap((r) => r.errors))].slice(0, 5),
    };
  }

  /**
   * Runs one publishing phase. `plans[i]` is worker i's share (or undefined); every message is expected
   * to reach `fanout` subscribers.
   */
  async measure(phase: number, plans: Array<Omit<PublishCommand, 'kind' | 'phase'> | undefined>, fanout: number): Promise<PhaseResult> {
    const before = await this.pool.statsAll(phase);
    const serverCpuBefore = this.serverCpuSeconds();
    const startedAt = wallClockMillis();
    const published = await Promise.all(plans.map((plan, i) => (plan ? this.pool.publish(i, { ...plan, phase }) : undefined)));
    const sent = published.reduce((n, r) => n + (r?.sent ?? 0), 0);
    const skipped = published.reduce((n, r) => n + (r?.skipped ?? 0), 0);
    const expected = sent * fanout;

    const after = await this.drain(phase, (stats) => sum(stats, (s) => s.received), () => expected);
    const received = sum(after, (s) => s.received);
    const serverCpuAfter = this.serverCpuSeconds();
    this.assertServerAlive();

    const lastReceiveAt = Math.max(...after.map((s) => s.lastReceiveAt));
    // n messages at rate r are sent over (n-1)/r s; the schedule's full length n/r is the honest floor.
    const scheduledS = Math.max(...plans.map((p) => (p ? p.durationMs / 1000 : 0)));
    const spanS = Math.max(scheduledS, 0.001, ((received > 0 ? lastReceiveAt : wallClockMillis()) - startedAt) / 1000);
    const histogram = new LatencyHistogram();
    for (const s of after) histogram.merge(s.histogram);
    const generatorCpuS = (sum(after, cpuOf) - sum(before, cpuOf)) / 1e6;
    return {
      sent, skipped, expected, received,
      deliveriesPerSec: received / spanS,
      p50: histogram.percentileMillis(0.5),
      p99: histogram.percentileMillis(0.99),
      serverCpuPct: ((serverCpuAfter - serverCpuBefore) / spanS) * 100,
      generatorCpuPct: (generatorCpuS / spanS) * 100,
      spanS,
      lost: sum(after, (s) => s.lost),
      problems: [...new Set(after.flatMap((s) => s.problems))].slice(0, 5),
    };
  }

  /**
   * Polls the workers until `count` reaches `expected` (both read from the workers' stats, so an expectation
   * may grow with what arrives), nothing new has arrived for DRAIN_IDLE_MS, or DRAIN_MAX_MS have passed.
   * Returns the last stats read.
   */
  async drain(phase: number, count: (stats: StatsResult[]) => number, expected: (stats: StatsResult[]) => number): Promise<StatsResult[]> {
    let after = await this.pool.statsAll(phase);
    let received = count(after);
    const drainStart = Date.now();
    let lastProgress = Date.now();
    while (received < expected(after) && Date.now() - lastProgress < DRAIN_IDLE_MS && Date.now() - drainStart < DRAIN_MAX_MS) {
      await sleep(100);
      after = await this.pool.statsAll(phase);
      const now = count(after);
      if (now > received) lastProgress = Date.now();
      received = now;
    }
    return after;
  }

  /** Worker totals (cpu is absolute; diff two of these). */
  stats(phase = 0): Promise<StatsResult[]> {
    return this.pool.statsAll(phase);
  }

  assertServerAlive(): void {
    for (const s of [this.server, ...this.others]) {
      if (!s.alive) throw new Error(`${s.label} server died:\n${s.recentOutput()}`);
    }
  }

  /** CPU seconds used so far by the server (every node of it), for a diff over a phase. */
  serverCpuSeconds(): number {
    return [this.server, ...this.others].reduce((n, s) => n + s.cpuSeconds(), 0);
  }

  async stop(): Promise<void> {
    await this.pool.stop();
    await Promise.all([this.server, ...this.others].map((s) => s.stop()));
  }
}

export function sum<T>(items: T[], f: (t: T) => number): number {
  return items.reduce((n, t) => n + f(t), 0);
}

export function cpuOf(s: StatsResult): number {
  return s.cpuUserMicros + s.cpuSystemMicros;
}

export { split };
