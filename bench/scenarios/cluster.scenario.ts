/**
 * Two nodes (S5): our server twice, on one fresh PostgreSQL database and the machine's RabbitMQ (the
 * relay), the publisher on the first node and every subscriber on the second, so that every delivery
 * crosses the relay. A fixed-rate phase, then the fan-out ramp: the highest cross-node rate whose p99
 * stays under the bound. Needs PostgreSQL (BENCH_PG, default postgres://postgres@127.0.0.1:5432) and
 * RabbitMQ's STOMP plugin (BENCH_RELAY, default stomp://guest:guest@127.0.0.1:61613); skipped without.
 */
import { createConnection } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client } from 'pg';
import type { BenchOptions, TargetName } from '../bench-options';
import { REPO_ROOT, routeFor, serverSpec, TARGET_LABELS } from '../bench-targets';
import { LoadSession, split } from '../load-session';
import type { ResultRow } from '../results-table';
import { FANOUT_TOPIC, ramp, type Plan } from './fanout.scenario';
import { describePhase, phaseRow, type Log } from './phase-row';

const PG = process.env.BENCH_PG ?? 'postgres://postgres@127.0.0.1:5432';
const RELAY = process.env.BENCH_RELAY ?? 'stomp://guest:guest@127.0.0.1:61613';

export async function runCluster(target: TargetName, o: BenchOptions, log: Log): Promise<ResultRow[]> {
  const label = TARGET_LABELS[target];
  const scenario = `2 nodes: ${o.subscribers} subs on B, publisher on A @${o.rate}/s`;
  const rampScenario = `2 nodes: ${o.subscribers} subs ramp, p99<${o.rampMaxP99Ms}ms`;
  if (target !== 'ours' && target !== 'stored') {
    return [{ key: 'cluster-fixed', scenario, target: label, notes: [], failed: 'skipped: one process, no relay' }];
  }
  const missing = await missingService();
  if (missing) return [{ key: 'cluster-fixed', scenario, target: label, notes: [], failed: `skipped: ${missing}` }];

  const database = `bench_cluster_${process.pid}_${Date.now()}`;
  await admin((c) => c.query(`CREATE DATABASE ${database}`));
  const rows: ResultRow[] = [];
  const total = o.subscribers + 1;
  let session: LoadSession | undefined;
  try {
    const spec = serverSpec(target, total, o.heartbeatMs);
    const clusterSpec = { ...spec, env: { ...spec.env, DATABASE_URL: `${PG}/${database}`, BROKER_RELAY: RELAY } };
    session = await LoadSession.start({ ...clusterSpec, label: `${label} A` }, REPO_ROOT, o.workers, total, o.heartbeatMs);
    const nodeB = await session.addNode({ ...clusterSpec, label: `${label} B` }, REPO_ROOT);
    await sleep(500);
    const route = routeFor(target, FANOUT_TOPIC);
    const slices = split(Array<string>(o.subscribers).fill(route.subscribe), o.workers);
    const subscribed = await session.open(slices, nodeB);
    if (subscribed.failed > 0) throw new Error(`${subscribed.failed} of ${o.subscribers} connections failed: ${subscribed.errors.join('; ')}`);
    // The publisher: one more connection of worker 0, on node A, after worker 0's subscribers.
    const publisherIndex = slices[0].length;
    const publisher = await session.open([[null]]);
    if (publisher.failed > 0) throw new Error(`the publisher could not connect: ${publisher.errors.join('; ')}`);
    log(`${label}: ${o.subscribers} subscribers on node B, the publisher on node A`);

    const plan = (rate: number, seconds: number): Plan[] => [{
      publishers: [[publisherIndex, route.publish]], rate, durationMs: seconds * 1000, bodyBytes: o.bodyBytes, body: route.body,
    }];
    const warm = await session.measure(1, plan(Math.min(10, o.rate), 2), o.subscribers);
    log(`${label}: warm-up: ${describePhase(warm)}`);
    const fixed = await session.measure(2, plan(o.rate, o.durationS), o.subscribers);
    log(`${label}: ${scenario}: ${describePhase(fixed)}`);
    rows.push(phaseRow('cluster-fixed', scenario, label, fixed));
    if (o.ramp) {
      const row = await ramp(session, o, plan, label, rampScenario, log);
      rows.push({ ...row, key: 'cluster-ramp' });
    }
  } catch (err) {
    const failed = err instanceof Error ? err.message : String(err);
    rows.push({ key: rows.length === 0 ? 'cluster-fixed' : 'cluster-ramp', scenario, target: label, notes: [], failed });
  } finally {
    await session?.stop();
    await admin((c) => c.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`)).catch(() => undefined);
  }
  return rows;
}

async function admin<T>(fn: (c: Client) => Promise<T>): Promise<T> {
  const c = new Client({ connectionString: `${PG}/postgres` });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

/** What is not there to run two nodes on, or undefined. */
async function missingService(): Promise<string | undefined> {
  try {
    await admin((c) => c.query('SELECT 1'));
  } catch (err) {
    return `no PostgreSQL at ${PG} (${err instanceof Error ? err.message : String(err)})`;
  }
  const relay = new URL(RELAY.replace(/^stomp:/, 'http:'));
  const open = await new Promise<boolean>((resolve) => {
    const socket = createConnection(Number(relay.port || 61613), relay.hostname, () => { socket.destroy(); resolve(true); });
    socket.once('error', () => resolve(false));
    socket.setTimeout(2_000, () => { socket.destroy(); resolve(false); });
  });
  return open ? undefined : `no STOMP broker at ${relay.host} (RabbitMQ: rabbitmq-plugins enable rabbitmq_stomp)`;
}
