// Issue "Hard to break", item 7: /health is 503 while the database is unreachable, and 200 again once it is
// back. "Unreachable" is made real: the server talks to the machine's PostgreSQL through a TCP proxy in
// this test, and the proxy is cut (open connections reset, new ones refused) and then restored.
// (An embedded SQLite file cannot become unreachable while the process holds it open.)
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { DataSource } from 'typeorm';
import { startServer, type RunningServer } from '../support/server';
import { eventually, http } from './hardening-client';

const database = `chat_health_${process.pid}_${Date.now().toString(36)}`;
let user = 'postgres';

async function admin(sql: string): Promise<void> {
  const client = new DataSource({ type: 'postgres', url: `postgres://${user}@127.0.0.1:5432/postgres`, poolSize: 1 });
  await client.initialize();
  try {
    await client.query(sql);
  } finally {
    await client.destroy();
  }
}

/** A cuttable TCP proxy to 127.0.0.1:5432 on a fixed port. */
class Proxy {
  private server?: Server;
  private readonly sockets = new Set<Socket>();
  port = 0;

  async open(): Promise<void> {
    this.server = createServer((downstream) => {
      const upstream = connect(5432, '127.0.0.1');
      for (const s of [downstream, upstream]) {
        this.sockets.add(s);
        s.on('close', () => this.sockets.delete(s));
        s.on('error', () => undefined);
      }
      downstream.pipe(upstream).pipe(downstream);
      downstream.on('close', () => upstream.destroy());
      upstream.on('close', () => downstream.destroy());
    });
    await new Promise<void>((resolve) => this.server!.listen(this.port, '127.0.0.1', resolve));
    this.port = (this.server.address() as { port: number }).port;
  }

  async cut(): Promise<void> {
    const closed = new Promise((resolve) => this.server?.close(resolve));
    for (const s of this.sockets) s.resetAndDestroy();
    await closed;
  }
}

describe('/health and the database', () => {
  const proxy = new Proxy();
  let server: RunningServer;

  before(async () => {
    try {
      await admin(`CREATE DATABASE "${database}"`);
    } catch {
      user = 'root';
      await admin(`CREATE DATABASE "${database}"`);
    }
    await proxy.open();
    server = await startServer({ DATABASE_URL: `postgres://${user}@127.0.0.1:${proxy.port}/${database}` });
  });

  after(async () => {
    assert.equal(await server.stop(), 0);
    await proxy.cut();
    await admin(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
  });

  it('is 200 while PostgreSQL answers, 503 while it is unreachable, and 200 again once it is back', async () => {
    const health = async () => {
      const res = await http(`${server.url}/health`);
      return { status: res.status, body: JSON.parse(res.text) as { status: string; database: { status: string; detail?: string } } };
    };
    assert.equal((await health()).status, 200);

    await proxy.cut();
    const started = performance.now();
    const down = await eventually(async () => {
      const h = await health();
      return h.status === 503 ? h : undefined;
    }, 10_000, '/health to report the database down');
    assert.equal(down.body.status, 'down');
    assert.equal(down.body.database.status, 'down');
    assert.ok(performance.now() - started < 5_000, '503 within the ping timeout, not a hang');
    // Writes fail with a clear error and do not crash the process.
    const post = await http(`${server.url}/api/rooms/r/messages`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"from":"a","text":"while down"}',
    });
    assert.ok(post.status >= 500, `a write while the database is down fails (${post.status})`);

    await proxy.open();
    await eventually(async () => ((await health()).status === 200 ? true : undefined), 15_000, '/health to recover');
    assert.equal((await http(`${server.url}/api/rooms/r/messages`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"from":"a","text":"back"}',
    })).status, 201);
  });
});
