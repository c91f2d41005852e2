/**
 * Stored messages per second through ChatService with group commit: `posts` posts with `inFlight`
 * outstanding at any time, each resolved only after its batch committed and was published.
 *
 *   node dist/bench/store.bench.js [--posts 50000] [--in-flight 2000] [--postgres postgres://postgres@127.0.0.1:5432/postgres]
 *
 * 2,000 in flight (four of the writer's 500-message batches) is a busy server's thousands of sessions
 * posting at once: the next batch is sent while the last is published. At 500 (one batch) nothing
 * overlaps, and the figure is one commit's latency, not the store's rate.
 *
 * PostgreSQL is measured in a database of its own, created and dropped here; it is skipped when the
 * server does not answer.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { ChatService } from '@app/chat';
import { SimpleBroker } from '@app/messaging';
import { openDataSource, TypeOrmChatRepository, type DataSourceSettings } from '@app/persistence';

export interface StoreBenchOptions {
  posts?: number;
  inFlight?: number;
  /** An admin URL of a PostgreSQL server (its `postgres` database); undefined skips PostgreSQL. */
  postgresAdminUrl?: string;
}

export interface StoreBenchRow {
  target: string;
  posts: number;
  inFlight: number;
  seconds: number;
  perSecond: number;
  transactions: number;
  meanBatch: number;
  p50Ms: number;
  p99Ms: number;
  failed?: string;
}

async function measure(target: string, url: string, settings: DataSourceSettings, posts: number, inFlight: number, clientIds = false): Promise<StoreBenchRow> {
  const dataSource = await openDataSource(url, settings);
  const chat = new ChatService(new TypeOrmChatRepository(dataSource), new SimpleBroker(), { writer: { maxQueue: inFlight * 2 } });
  const latencies = new Float64Array(posts);
  let issued = 0;
  const worker = async () => {
    while (issued < posts) {
      const n = issued++;
      const started = performance.now();
      const clientMessageId = clientIds ? `${n.toString(36)}-${process.pid}` : undefined;
      await chat.post({ room: `bench-${n % 16}`, from: `user-${n % 100}`, text: `message number ${n} with a little text`, clientMessageId });
      latencies[n] = performance.now() - started;
    }
  };
  try {
    const started = performance.now();
    await Promise.all(Array.from({ length: inFlight }, worker));
    const seconds = (performance.now() - started) / 1000;
    const { batches } = chat.writerStats();
    latencies.sort();
    return {
      target,
      posts,
      inFlight,
      seconds,
      perSecond: posts / seconds,
      transactions: batches,
      meanBatch: posts / batches,
      p50Ms: latencies[Math.floor(posts * 0.5)],
      p99Ms: latencies[Math.floor(posts * 0.99)],
    };
  } finally {
    await chat.beforeApplicationShutdown();
    await dataSource.destroy();
  }
}

async function withPostgresDatabase<T>(adminUrl: string, use: (url: string) => Promise<T>): Promise<T> {
  const name = `chat_bench_${process.pid}_${Date.now().toString(36)}`;
  const admin = new DataSource({ type: 'postgres', url: adminUrl, poolSize: 1, connectTimeoutMS: 3_000 });
  await admin.initialize();
  try {
    await admin.query(`CREATE DATABASE "${name}"`);
    const url = new URL(adminUrl);
    url.pathname = `/${name}`;
    try {
      return await use(url.toString());
    } finally {
      await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    }
  } finally {
    await admin.destroy();
  }
}

/** Runs every target one after the other (they would compete for the same two cores otherwise). */
export async function runStoreBench(options: StoreBenchOptions = {}): Promise<StoreBenchRow[]> {
  const posts = options.posts ?? 50_000;
  const inFlight = options.inFlight ?? 2_000;
  const rows: StoreBenchRow[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'chat-bench-'));
  const attempt = async (target: string, run: () => Promise<StoreBenchRow>) => {
    try {
      rows.push(await run());
    } catch (error) {
      rows.push({ target, posts, inFlight, seconds: 0, perSecond: 0, transactions: 0, meanBatch: 0, p50Ms: 0, p99Ms: 0, failed: String(error) });
    }
  };
  try {
    for (const synchronous of ['FULL', 'NORMAL'] as const) {
      const target = `SQLite file, WAL, synchronous=${synchronous}`;
      await attempt(target, () => measure(target, `sqlite:${join(dir, `${synchronous}.sqlite`)}`, { sqliteSynchronous: synchronous }, posts, inFlight));
    }
    // The chat's own clients send a client-message-id with every post (retries are then safe), which
    // costs the unique index a real entry per row.
    const withIds = 'SQLite file, WAL, FULL, client ids';
    await attempt(withIds, () => measure(withIds, `sqlite:${join(dir, 'ids.sqlite')}`, { sqliteSynchronous: 'FULL' }, posts, inFlight, true));
    if (options.postgresAdminUrl) {
      const target = 'PostgreSQL';
      await attempt(target, () => withPostgresDatabase(options.postgresAdminUrl!, (url) => measure(target, url, {}, posts, inFlight)));
      const pgIds = 'PostgreSQL, client ids';
      await attempt(pgIds, () => withPostgresDatabase(options.postgresAdminUrl!, (url) => measure(pgIds, url, {}, posts, inFlight, true)));
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return rows;
}

export function renderStoreBench(rows: StoreBenchRow[]): string {
  const head = 'target                                 posts  in-flight  msgs/s   tx  msgs/tx  p50 ms  p99 ms';
  const lines = rows.map((r) =>
    r.failed
      ? `${r.target.padEnd(37)}  failed: ${r.failed}`
      : `${r.target.padEnd(37)} ${String(r.posts).padStart(6)} ${String(r.inFlight).padStart(10)} ${Math.round(r.perSecond).toString().padStart(7)} ` +
        `${String(r.transactions).padStart(4)} ${r.meanBatch.toFixed(0).padStart(8)} ${r.p50Ms.toFixed(1).padStart(7)} ${r.p99Ms.toFixed(1).padStart(7)}`,
  );
  return [head, ...lines].join('\n');
}

function argument(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

if (require.main === module) {
  const options: StoreBenchOptions = {
    posts: Number(argument('--posts') ?? 50_000),
    inFlight: Number(argument('--in-flight') ?? 2_000),
    postgresAdminUrl: argument('--postgres') ?? 'postgres://postgres@127.0.0.1:5432/postgres',
  };
  runStoreBench(options)
    .then((rows) => {
      console.log(renderStoreBench(rows));
      process.exitCode = rows.some((r) => r.failed) ? 1 : 0;
    })
    .catch((error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    });
}
