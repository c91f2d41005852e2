// The compose file's topology, started from Debian's packages: Debian's haproxy with the very
// deploy/proxy/haproxy.cfg the compose file mounts (what differs comes from the environment variables
// that file reads), its certificate from deploy/proxy/make-cert.sh, and two nodes from dist/ on a fresh
// PostgreSQL database and the machine's RabbitMQ.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:https';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Client } from 'pg';
import { startServer, type RunningServer } from '../../support/server';

const ROOT = resolve(__dirname, '..', '..', '..', '..');
export const PROXY_CONFIG = join(ROOT, 'deploy', 'proxy', 'haproxy.cfg');
const MAKE_CERT = join(ROOT, 'deploy', 'proxy', 'make-cert.sh');
const RELAY = 'stomp://guest:guest@127.0.0.1:61613';
/** Debian's haproxy (installed by .ci/run) lives in /usr/sbin, which a non-root PATH may lack. */
const HAPROXY = process.env.HAPROXY_PATH ?? (existsSync('/usr/sbin/haproxy') ? '/usr/sbin/haproxy' : 'haproxy');

/** Two nodes on PostgreSQL and RabbitMQ start slower than one on SQLite, the more so on a busy machine. */
const NODE_START_MS = 60_000;

/** The server names haproxy.cfg gives the nodes; responses name theirs in X-Chat-Node. */
export const NODE_NAMES = ['chat-1', 'chat-2'] as const;
export type NodeName = (typeof NODE_NAMES)[number];

export interface Topology {
  /** https://localhost:PORT, the one public entry (also the nodes' PUBLIC_URL). */
  publicUrl: string;
  httpsPort: number;
  /** The plain-HTTP port that only redirects. */
  httpPort: number;
  /** The self-signed certificate, to trust it in Node clients. */
  ca: Buffer;
  nodes: Record<NodeName, RunningServer>;
  proxyOutput(): string;
  stop(): Promise<void>;
}

/** Polls `check` until it holds; the error names what was awaited, plus `diagnostics()`. */
export async function until(what: string, check: () => boolean | Promise<boolean>, timeoutMs: number, diagnostics = () => ''): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}\n${diagnostics()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** A port free right now on the loopback address. */
export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolvePort(port));
    });
  });
}

async function admin(sql: string): Promise<void> {
  const c = new Client({ host: '127.0.0.1', port: 5432, user: 'postgres', database: 'postgres' });
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}

export interface HttpsAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A request to the proxy over TLS, trusting only the topology's own certificate. */
export function httpsRequest(topology: Pick<Topology, 'httpsPort' | 'ca'>, path: string, init: { method?: string; body?: string } = {}): Promise<HttpsAnswer> {
  return new Promise((resolveAnswer, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        servername: 'localhost',
        port: topology.httpsPort,
        path,
        method: init.method ?? 'GET',
        ca: topology.ca,
        headers: { host: `localhost:${topology.httpsPort}`, ...(init.body ? { 'content-type': 'application/json' } : {}) },
        timeout: 10_000,
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolveAnswer({ status: res.statusCode ?? 0, headers: res.headers, body }));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer to ${path} within 10 s`)));
    req.on('error', reject);
    req.end(init.body);
  });
}

/** Posts a chat message through the proxy; resolves with the stored message and the node that took it. */
export async function postThroughProxy(topology: Topology, room: string, text: string): Promise<{ id: number; node: string }> {
  const answer = await httpsRequest(topology, `/api/rooms/${room}/messages`, { method: 'POST', body: JSON.stringify({ from: 'rest', text }) });
  if (answer.status !== 201) throw new Error(`POST through the proxy answered ${answer.status}: ${answer.body}`);
  return { id: (JSON.parse(answer.body) as { id: number }).id, node: String(answer.headers['x-chat-node']) };
}

function startProxy(env: Record<string, string>): { child: ChildProcess; output: () => string; exited: Promise<unknown> } {
  // -W: master-worker as in the image; -db: stay in the foreground, logs on stdout.
  const child = spawn(HAPROXY, ['-W', '-db', '-f', PROXY_CONFIG], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const keep = (chunk: Buffer) => {
    out = (out + chunk.toString()).slice(-200_000);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exited = new Promise((r) => {
    child.once('exit', r);
    child.once('error', (error) => {
      out += `\n${String(error)}`;
      r(error);
    });
  });
  return { child, output: () => out, exited };
}

/** Waits until the proxy answers over TLS and has reached both nodes (seen in X-Chat-Node). */
async function waitUntilBothNodesServe(topology: Omit<Topology, 'stop'>, exited: Promise<unknown>, timeoutMs = 20_000): Promise<void> {
  let gone = false;
  void exited.then(() => (gone = true));
  const seen = new Set<string>();
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline && !gone) {
    try {
      const answer = await httpsRequest(topology, '/health');
      last = `${answer.status} ${answer.body}`;
      if (answer.status === 200) seen.add(String(answer.headers['x-chat-node']));
      if (seen.size === NODE_NAMES.length) return;
    } catch (error) {
      last = String(error);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`the proxy did not reach both nodes (saw ${[...seen].join(', ') || 'none'}; last: ${last}):\n${topology.proxyOutput()}`);
}

/** `nodeEnv(i)` adds to (or overrides) node i's environment, e.g. its own BROKER_RELAY. */
export async function startTopology(nodeEnv: (index: number) => Record<string, string> = () => ({})): Promise<Topology> {
  const db = `chat_deploy_${process.pid}_${Date.now()}`;
  await admin(`CREATE DATABASE ${db}`);
  const certDir = mkdtempSync(join(tmpdir(), 'chat-proxy-cert-'));
  const made = spawnSync('sh', [MAKE_CERT, certDir], { encoding: 'utf8' });
  if (made.status !== 0) throw new Error(`make-cert.sh failed: ${made.stderr}${made.stdout}`);

  const [httpPort, httpsPort] = [await freePort(), await freePort()];
  const publicUrl = `https://localhost:${httpsPort}`;
  const commonEnv = {
    DATABASE_URL: `postgres://postgres@127.0.0.1:5432/${db}`,
    BROKER_RELAY: RELAY,
    PUBLIC_URL: publicUrl,
    TRUST_PROXY: 'loopback',
    RATE_LIMIT_PER_SEC: '0',
  };
  const started: RunningServer[] = [];
  let proxy: ReturnType<typeof startProxy> | undefined;
  const stop = async () => {
    if (proxy && proxy.child.exitCode === null && proxy.child.signalCode === null) {
      proxy.child.kill('SIGTERM');
      await proxy.exited;
    }
    await Promise.all(started.map((s) => s.stop()));
    rmSync(certDir, { recursive: true, force: true });
    await admin(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`);
  };
  try {
    const nodes = await Promise.allSettled([0, 1].map((i) => startServer({ ...commonEnv, ...nodeEnv(i) }, NODE_START_MS)));
    for (const n of nodes) if (n.status === 'fulfilled') started.push(n.value);
    for (const n of nodes) if (n.status === 'rejected') throw n.reason;
    const [one, two] = started;
    proxy = startProxy({
      PROXY_BIND: '127.0.0.1',
      HTTP_PORT: String(httpPort),
      HTTPS_PORT: String(httpsPort),
      TLS_CERT: join(certDir, 'localhost.pem'),
      PUBLIC_URL: publicUrl,
      CHAT_NODE_1: `127.0.0.1:${one.port}`,
      CHAT_NODE_2: `127.0.0.1:${two.port}`,
    });
    const topology = {
      publicUrl,
      httpsPort,
      httpPort,
      ca: readFileSync(join(certDir, 'localhost.crt')),
      nodes: { 'chat-1': one, 'chat-2': two },
      proxyOutput: proxy.output,
    };
    await waitUntilBothNodesServe(topology, proxy.exited);
    return { ...topology, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
