import { Client } from 'pg';
import { RawStomp, frameText } from '../../support/raw-stomp';
import { startServer, type RunningServer } from '../../support/server';

export const RELAY = 'stomp://guest:guest@127.0.0.1:61613';

/** Runs `fn` on the machine's PostgreSQL as its superuser, on the `postgres` database. */
export async function pgAdmin<T>(fn: (c: Client) => Promise<T>): Promise<T> {
  const c = new Client({ host: '127.0.0.1', port: 5432, user: 'postgres', database: 'postgres' });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

export interface Cluster {
  nodes: RunningServer[];
  stop(): Promise<void>;
}

/**
 * Two (or more) real server processes on a fresh PostgreSQL database and the machine's RabbitMQ, started
 * one after the other with room for a busy machine (a failed start leaves nothing running).
 */
export async function startCluster(label: string, count = 2, env: Record<string, string> = {}): Promise<Cluster> {
  const db = `chat_${label}_${process.pid}_${Date.now()}`;
  await pgAdmin((c) => c.query(`CREATE DATABASE ${db}`));
  const nodes: RunningServer[] = [];
  const stop = async () => {
    await Promise.all(nodes.map((n) => n.stop()));
    await pgAdmin((c) => c.query(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`));
  };
  try {
    for (let i = 0; i < count; i++) {
      nodes.push(await startServer({
        DATABASE_URL: `postgres://postgres@127.0.0.1:5432/${db}`, BROKER_RELAY: RELAY, RATE_LIMIT_PER_SEC: '0', ...env,
      }, 60_000));
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return { nodes, stop };
}

/** A STOMP 1.2 session on `server`; CONNECTED may take a while on a machine busy with two nodes. */
export async function stompClient(server: RunningServer, headers: Record<string, string> = {}): Promise<RawStomp> {
  const c = await RawStomp.open(`${server.wsUrl}/chat`);
  c.send(frameText('CONNECT', { 'accept-version': '1.2', host: 'localhost', 'heart-beat': '0,0', ...headers }));
  const reply = await c.next((x) => x.command === 'CONNECTED' || x.command === 'ERROR', 30_000);
  if (reply.command === 'ERROR') throw new Error(`ERROR: ${reply.headers.get('message')}`);
  return c;
}

export async function until(test: () => boolean | Promise<boolean>, timeoutMs: number, what: string, everyMs = 20): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await test())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** How many of `ids` arrived after a higher one (0 for a list in strictly increasing order). */
export function outOfOrder(ids: readonly number[]): number {
  let max = -Infinity;
  let late = 0;
  for (const id of ids) {
    if (id < max) late++;
    else max = id;
  }
  return late;
}
