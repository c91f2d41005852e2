/**
 * How many idle SSE streams and held long polls one server process keeps, and what they cost.
 *
 *   npm run build:loose && node dist/bench/idle-http.bench.js
 *   IDLE_HTTP_STREAMS=2000 IDLE_HTTP_POLLS=2000 IDLE_HTTP_SECONDS=5 node dist/bench/idle-http.bench.js
 *
 * Starts the real server (its own process, SQLite in memory), then: opens N SSE streams and reads its
 * RSS and CPU while they sit idle; holds N long polls the same way; posts one message and times how
 * long until every stream and every poll has it. Bounded: a few thousand connections, a minute at most.
 */
import { request, type IncomingMessage } from 'node:http';
import { ServerProcess } from './server-process';
import { serverSpec } from './bench-targets';

const STREAMS = intFromEnv('IDLE_HTTP_STREAMS', 2000);
const POLLS = intFromEnv('IDLE_HTTP_POLLS', 2000);
const IDLE_SECONDS = intFromEnv('IDLE_HTTP_SECONDS', 5);
const BATCH = 200;
const ROOM = 'idle';
const DEADLINE_MS = 90_000;

function intFromEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  return raw && /^\d+$/.test(raw) ? Number(raw) : fallback;
}

function log(line: string): void {
  process.stderr.write(`[idle-http ${new Date().toISOString().slice(11, 19)}] ${line}\n`);
}

const mib = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** An open SSE response; `got` resolves when a message event arrives. */
function openStream(port: number): Promise<{ res: IncomingMessage; got: Promise<number> }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: `/sse/rooms/${ROOM}`, agent: false }, (res) => {
      if (res.statusCode !== 200) return reject(new Error(`SSE status ${res.statusCode}`));
      res.setEncoding('utf8');
      let started = false;
      const got = new Promise<number>((done) => {
        res.on('data', (chunk: string) => {
          if (!started && chunk.includes('retry:')) started = true;
          if (chunk.includes('event: message')) done(performance.now());
        });
      });
      // Wait for `retry:` so that the stream is registered before it counts as open.
      const check = (chunk: string) => {
        if (chunk.includes('retry:')) {
          res.off('data', check);
          resolve({ res, got });
        }
      };
      res.on('data', check);
    });
    req.on('error', reject);
    req.end();
  });
}

/** A held long poll; resolves with the time its answer arrived. */
function holdPoll(port: number): { answered: Promise<number>; cancel: () => void } {
  let cancel = () => undefined as void;
  const answered = new Promise<number>((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: `/api/rooms/${ROOM}/poll?timeout=60`, agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(performance.now()));
    });
    req.on('error', reject);
    req.end();
    cancel = () => void req.destroy();
  });
  answered.catch(() => undefined);
  return { answered, cancel };
}

async function metric(port: number, pattern: RegExp): Promise<number> {
  const text = await new Promise<string>((resolve, reject) => {
    request({ host: '127.0.0.1', port, path: '/metrics', agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (c: string) => (body += c)).on('end', () => resolve(body));
    }).on('error', reject).end();
  });
  const m = pattern.exec(text);
  return m ? Number(m[1]) : NaN;
}

async function waitForMetric(port: number, pattern: RegExp, ok: (value: number) => boolean): Promise<void> {
  const until = Date.now() + 60_000;
  while (!ok(await metric(port, pattern))) {
    if (Date.now() > until) throw new Error(`metric ${pattern} did not get there`);
    await sleep(100);
  }
}

const HEAP = /^nodejs_heap_size_used_bytes (\S+)$/m;

/** CPU seconds the server burns while everything sits idle for `seconds`. */
async function idleCpu(server: ServerProcess, seconds: number): Promise<number> {
  const before = server.cpuSeconds();
  await sleep(seconds * 1000);
  return server.cpuSeconds() - before;
}

async function main(): Promise<void> {
  const spec = serverSpec('ours', STREAMS + POLLS, 10_000);
  const server = await ServerProcess.start(spec, process.cwd());
  const port = server.port;
  const rows: string[] = [];
  try {
    await sleep(500);
    const baseRss = server.rssBytes();
    const baseHeap = await metric(port, HEAP);
    const baseCpu = await idleCpu(server, 1);
    rows.push(`baseline                RSS ${mib(baseRss)} MiB, idle CPU ${(baseCpu * 100).toFixed(1)}% of a core`);

    const streams: Array<{ res: IncomingMessage; got: Promise<number> }> = [];
    const t0 = performance.now();
    for (let i = 0; i < STREAMS; i += BATCH) {
      const n = Math.min(BATCH, STREAMS - i);
      streams.push(...(await Promise.all(Array.from({ length: n }, () => openStream(port)))));
    }
    const openMs = performance.now() - t0;
    const sseRss = server.rssBytes();
    const sseHeap = await metric(port, HEAP);
    const sseCpu = await idleCpu(server, IDLE_SECONDS);
    rows.push(
      `${String(STREAMS).padStart(5)} SSE streams       opened in ${(openMs / 1000).toFixed(1)} s; RSS ${mib(sseRss)} MiB ` +
        `(+${((sseRss - baseRss) / STREAMS / 1024).toFixed(1)} KiB each, JS heap +${((sseHeap - baseHeap) / STREAMS / 1024).toFixed(1)} KiB each); idle CPU ${((sseCpu / IDLE_SECONDS) * 100).toFixed(1)}% of a core`,
    );

    const polls = Array.from({ length: POLLS }, () => holdPoll(port));
    await waitForMetric(port, /chat_connections\{door="long-poll",protocol="http"\} (\d+)/, (v) => v >= POLLS);
    const pollRss = server.rssBytes();
    const pollHeap = await metric(port, HEAP);
    const pollCpu = await idleCpu(server, IDLE_SECONDS);
    rows.push(
      `${String(POLLS).padStart(5)} held long polls   RSS ${mib(pollRss)} MiB (+${((pollRss - sseRss) / POLLS / 1024).toFixed(1)} KiB each, JS heap +${((pollHeap - sseHeap) / POLLS / 1024).toFixed(1)} KiB each); ` +
        `idle CPU ${((pollCpu / IDLE_SECONDS) * 100).toFixed(1)}% of a core`,
    );

    const sent = performance.now();
    await new Promise<void>((resolve, reject) => {
      const body = JSON.stringify({ from: 'bench', text: 'wake up' });
      const req = request(
        { host: '127.0.0.1', port, path: `/api/rooms/${ROOM}/messages`, method: 'POST', agent: false,
          headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } },
        (res) => (res.resume(), res.on('end', () => (res.statusCode === 201 ? resolve() : reject(new Error(`POST ${res.statusCode}`))))),
      );
      req.on('error', reject);
      req.end(body);
    });
    const sseTimes = await Promise.all(streams.map((s) => s.got));
    const pollTimes = await Promise.all(polls.map((p) => p.answered));
    const last = (times: number[]) => Math.max(...times) - sent;
    rows.push(
      `one message → all      every SSE stream in ${last(sseTimes).toFixed(0)} ms, every long poll answered in ${last(pollTimes).toFixed(0)} ms`,
    );
    for (const s of streams) s.res.destroy();
    await waitForMetric(port, /chat_connections\{door="sse",protocol="sse"\} (\d+)/, (v) => v === 0);
  } finally {
    await server.stop();
  }
  console.log(`\nidle HTTP connections, one server process (node ${process.version})`);
  for (const row of rows) console.log(`  ${row}`);
}

const deadline = setTimeout(() => {
  log(`still running after ${DEADLINE_MS / 1000} s; giving up`);
  process.exit(1);
}, DEADLINE_MS);
deadline.unref();
main().then(
  () => process.exit(0),
  (err: unknown) => {
    log(`failed: ${err instanceof Error ? err.stack : String(err)}`);
    process.exit(1);
  },
);
