/*
 * Whole-session fuzzer: the real server, real WebSockets, random pipelined STOMP sessions (#10).
 *   node dist/fuzz/stomp-session.fuzz.js [--sessions 200000] [--seed N] [--first 0] [--concurrency 64]
 *                                        [--batch 1000] [--probe-ms 5000] [--corpus DIR] [--artifacts DIR]
 *
 * Starts dist/apps/chat-server/src/main.js (PORT=0, DATABASE_URL=sqlite::memory:, default limits) and
 * plays --sessions sessions against ws://127.0.0.1:PORT/chat, --concurrency at a time, one WebSocket
 * each. A session (fuzz/session-script.ts) is a CONNECT of any version (or none, or a mutated frame)
 * and a random pipelined sequence of every frame a client may send, to every /app destination the chat
 * serves, the broker and user destinations, with escaped and badly escaped receipts, transactions,
 * heart-beat extremes, right and wrong content-length, hostile JSON bodies; cut into WebSocket messages
 * at random bytes. After each --batch, the process must be alive and still answer: a fresh client
 * CONNECTs and SUBSCRIBEs with a receipt and must get the RECEIPT within --probe-ms.
 * If the process dies or stops answering, the suspects (sessions in flight, or the batch) are replayed one
 * by one against a fresh server to find the culprit; its bytes are saved under --artifacts and the run
 * exits 1. Session i derives from (seed, i) alone: `--seed S --first i --sessions 1` replays it.
 * Contained faults (an `internal server error` ERROR to a session, ERROR lines in the server's log) do
 * not fail the run; they are counted and shown.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type WebSocket from 'ws';
import { fuzzOptions } from './fuzz-options';
import { Rng } from './stomp-mutators';
import { sessionScript, type SessionScript } from './session-script';
import { probe, runSession, type SessionOutcome } from './session-client';

// SESSION_FUZZ_SERVER=path/to/main.js fuzzes another build (an older commit, to see that a known crash is found).
const MAIN = resolve(process.env.SESSION_FUZZ_SERVER ?? resolve(__dirname, '../apps/chat-server/src/main.js'));
const LISTENING = /listening on http:\/\/[^\s:]+:(\d+)/;
const TAIL_BYTES = 16 * 1024;
const MAX_KINDS = 60;
const RECENT = 512;

interface Server {
  process: ChildProcess;
  url: string;
  exited: Promise<string>;
  /** Set once the process has exited: how (code or signal). */
  death?: string;
  tail(): string;
  /** ERROR lines of the server's log, by kind (numbers and ids blanked). */
  errors: Map<string, number>;
  rssMb(): number;
  /** CPU seconds the server has used (user + system). */
  cpuSeconds(): number;
  stop(): Promise<void>;
}

async function startServer(): Promise<Server> {
  const child = spawn(process.execPath, [...(process.env.SESSION_FUZZ_SERVER_ARGS ?? '').split(' ').filter(Boolean), MAIN], {
    env: { ...process.env, HOST: '127.0.0.1', PORT: '0', DATABASE_URL: 'sqlite::memory:', NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let tail = '';
  let partial = '';
  const errors = new Map<string, number>();
  const exited = new Promise<string>((done) => child.once('exit', (code, signal) => done(signal ? `signal ${signal}` : `exit code ${code}`)));
  const server: Server = {
    process: child,
    url: '',
    exited,
    tail: () => tail,
    errors,
    rssMb: () => {
      try {
        return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;
      } catch {
        return 0;
      }
    },
    cpuSeconds: () => {
      try {
        const fields = readFileSync(`/proc/${child.pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ');
        return (Number(fields[11]) + Number(fields[12])) / 100;
      } catch {
        return 0;
      }
    },
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const late = setTimeout(() => child.kill('SIGKILL'), 12_000);
      await exited;
      clearTimeout(late);
    },
  };
  void exited.then((how) => (server.death = how));
  // Read everything (a full pipe would stall the server) but keep only a tail and a tally of ERROR lines.
  const onData = (chunk: Buffer) => {
    const text = chunk.toString('utf8');
    tail = (tail + text).slice(-TAIL_BYTES);
    const lines = (partial + text).split('\n');
    partial = lines.pop()!.slice(-TAIL_BYTES);
    for (const line of lines) {
      const m = / ERROR \[([^\]]*)\] (.*)/.exec(line);
      if (!m) continue;
      const kind = `[${m[1]}] ${m[2].replace(/[0-9a-f]{16}/g, 'ID').replace(/\d+/g, 'N').slice(0, 160)}`;
      count(errors, kind);
    }
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  const port = await new Promise<number>((done, fail) => {
    const timer = setTimeout(() => fail(new Error(`server did not start in 20 s:\n${tail}`)), 20_000);
    const look = () => {
      const m = LISTENING.exec(tail);
      if (!m) return;
      clearTimeout(timer);
      child.stdout!.off('data', look);
      done(Number(m[1]));
    };
    child.stdout!.on('data', look);
    void exited.then((how) => {
      clearTimeout(timer);
      fail(new Error(`server ended (${how}) before listening:\n${tail}`));
    });
  });
  server.url = `ws://127.0.0.1:${port}/chat`;
  return server;
}

/** Session i of seed s: its own generator, so any session replays without the ones before it. */
function scriptFor(seed: number, index: number, corpus: readonly Buffer[]): SessionScript {
  return sessionScript(new Rng((seed ^ Math.imul(index + 1, 0x9e3779b1)) >>> 0), corpus);
}

function loadCorpus(dir: string): Buffer[] {
  return readdirSync(dir).filter((f) => !f.startsWith('.')).sort().map((f) => readFileSync(join(dir, f)));
}

class Tally {
  sessions = 0;
  internalErrors: number[] = [];
  readonly ends = new Map<string, number>();
  readonly errors = new Map<string, number>();
  readonly frames = new Map<string, number>();
  add(index: number, o: SessionOutcome): void {
    this.sessions++;
    if (o.internalError) this.internalErrors.push(index);
    count(this.ends, `${o.endedBy} ${o.closeCode}${o.error ? ` (${o.error})` : ''}`);
    if (o.errorMessage !== undefined) count(this.errors, o.errorMessage);
    for (const [command, n] of o.frames) count(this.frames, command, n);
  }
}

/** Adds to a tally of kinds; past MAX_KINDS distinct kinds, new ones are lumped together. */
function count(map: Map<string, number>, kind: string, n = 1): void {
  const key = map.has(kind) || map.size < MAX_KINDS ? kind : '(other)';
  map.set(key, (map.get(key) ?? 0) + n);
}

function printTally(title: string, map: Map<string, number>): void {
  if (map.size > 0) console.log(title);
  for (const [kind, n] of [...map].sort((a, b) => b[1] - a[1])) console.log(`  ${n}\t${kind}`);
}

interface Run {
  server: Server;
  open: Set<WebSocket>;
  inFlight: Set<number>;
  /**
   * The last RECENT sessions to finish: the process's exit is seen some time after the frame that
   * caused it (an asynchronous path, the exit itself), and sessions cut by it finish meanwhile.
   */
  recent: number[];
  /** When the process ended: those in flight, then those finished, latest first. */
  suspects: number[];
}

/** Plays sessions [first, last) with `concurrency` in flight; stops early if the server dies. */
async function playBatch(run: Run, first: number, last: number, concurrency: number, script: (i: number) => SessionScript, tally: Tally): Promise<void> {
  let next = first;
  const worker = async () => {
    while (next < last && !run.server.death) {
      const index = next++;
      run.inFlight.add(index);
      const outcome = await runSession(run.server.url, script(index), run.open);
      run.inFlight.delete(index);
      run.recent.push(index);
      if (run.recent.length > RECENT) run.recent.shift();
      tally.add(index, outcome);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

/** Replays suspects one at a time on a fresh server; the first after which it dies or stops answering. */
async function findCulprit(suspects: number[], script: (i: number) => SessionScript, probeMs: number, open: Set<WebSocket>): Promise<{ index: number; why: string; tail: string } | undefined> {
  const server = await startServer();
  try {
    for (const index of suspects) {
      await runSession(server.url, script(index), open);
      await new Promise((r) => setTimeout(r, 50));
      const why = server.death ?? await probe(server.url, probeMs, open);
      if (why) return { index, why, tail: server.tail() };
    }
    return undefined;
  } finally {
    await server.stop();
  }
}

function saveSession(dir: string, seed: number, index: number, s: SessionScript): string {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `session-${seed}-${index}.json`);
  writeFileSync(file, JSON.stringify({
    seed, index, protocols: s.protocols, ending: s.ending, lingerMs: s.lingerMs,
    messages: s.messages.map((m, i) => ({ text: s.text[i], pauseMs: s.pauses[i], base64: m.toString('base64'), utf8: m.toString('utf8') })),
  }, null, 2));
  return file;
}

/** The session as text, long runs of one character shortened, so that the report stays readable. */
const preview = (s: SessionScript) =>
  JSON.stringify(Buffer.concat(s.messages).toString('utf8').replace(/(.)\1{31,}/gs, (run, c: string) => `${c.repeat(8)}…(${run.length}×)`).slice(0, 4_000));

async function main(): Promise<number> {
  const options = fuzzOptions(process.argv.slice(2), resolve(__dirname, '../../fuzz/corpus/stomp'), [], {
    sessions: 200_000, first: 0, concurrency: 64, batch: 1_000, 'probe-ms': 5_000,
  });
  const { seed } = options;
  const { sessions, first, concurrency, batch } = options.counts;
  const probeMs = options.counts['probe-ms'];
  const corpus = loadCorpus(options.corpus);
  // Resets and refused handshakes are routine here: their stack traces would be most of the client's cost.
  Error.stackTraceLimit = 0;
  const script = (i: number) => scriptFor(seed, i, corpus);
  const open = new Set<WebSocket>();
  const tally = new Tally();
  const run: Run = { server: await startServer(), open, inFlight: new Set(), recent: [], suspects: [] };
  const { server } = run;
  void server.exited.then(() => (run.suspects = [...new Set([...run.inFlight, ...run.recent.reverse()])]));
  const stopOnSignal = () => void server.stop().then(() => process.exit(130));
  process.once('SIGINT', stopOnSignal).once('SIGTERM', stopOnSignal);
  console.log(`stomp-session fuzz: ${sessions} sessions from ${first}, seed ${seed}, ${concurrency} in flight, probe every ${batch}; server pid ${server.process.pid}, RSS ${server.rssMb().toFixed(0)} MB`);
  const started = performance.now();
  const rssAtStart = server.rssMb();
  const cpuAtStart = process.cpuUsage();
  let failure: { why: string; suspects: number[] } | undefined;
  const end = first + sessions;
  for (let from = first; from < end && !failure; from += batch) {
    const to = Math.min(end, from + batch);
    await playBatch(run, from, to, concurrency, script, tally);
    if (server.death) {
      failure = { why: `the server process ended (${server.death})`, suspects: run.suspects };
      break;
    }
    const answer = await probe(server.url, probeMs, open);
    if (answer) failure = { why: `the server stopped answering: ${answer}`, suspects: Array.from({ length: to - from }, (_, k) => from + k) };
    if (((to - first) / batch) % 10 === 0 || to === end) {
      const s = (performance.now() - started) / 1000;
      console.log(`  ${to - first} sessions, ${s.toFixed(0)} s (${Math.round((to - first) / s)}/s), server RSS ${server.rssMb().toFixed(0)} MB, error log lines ${[...server.errors.values()].reduce((a, b) => a + b, 0)}`);
    }
  }
  const seconds = (performance.now() - started) / 1000;
  const rssAtEnd = server.rssMb();
  const serverCpu = server.cpuSeconds();
  const ownCpu = process.cpuUsage(cpuAtStart);
  const tail = server.tail();
  await server.stop();

  if (failure) {
    console.error(`FAIL (seed ${seed}): ${failure.why}\n--- server output (tail) ---\n${tail}\n---`);
    console.error(`replaying ${failure.suspects.length} suspect sessions one by one on a fresh server...`);
    const culprit = await findCulprit(failure.suspects, script, probeMs, open);
    if (culprit) {
      const s = script(culprit.index);
      console.error(`culprit: session ${culprit.index} (${culprit.why}), saved to ${saveSession(options.artifacts, seed, culprit.index, s)}`);
      console.error(`bytes: ${preview(s)}`);
      console.error(`replay: node dist/fuzz/stomp-session.fuzz.js --seed ${seed} --first ${culprit.index} --sessions 1`);
      console.error(`--- server output (tail) ---\n${culprit.tail}`);
    } else {
      const files = failure.suspects.map((i) => saveSession(options.artifacts, seed, i, script(i)));
      console.error(`no single session reproduces it alone; the ${files.length} suspects are saved under ${options.artifacts}`);
      const [low, high] = [Math.min(...failure.suspects), Math.max(...failure.suspects)];
      console.error(`replay: node dist/fuzz/stomp-session.fuzz.js --seed ${seed} --first ${low} --sessions ${high - low + 1}`);
    }
    return 1;
  }

  console.log(`sessions: ${tally.sessions} in ${seconds.toFixed(1)} s (${Math.round(tally.sessions / seconds)} sessions/s); process alive throughout`);
  console.log(`CPU: server ${serverCpu.toFixed(1)} s, fuzzer ${((ownCpu.user + ownCpu.system) / 1e6).toFixed(1)} s`);
  console.log(`server RSS: ${rssAtStart.toFixed(0)} MB at start, ${rssAtEnd.toFixed(0)} MB at the end`);
  printTally('frames the server sent, by command:', tally.frames);
  printTally('ERROR frames, by message:', tally.errors);
  printTally('how sessions ended (who, close code, client-side error):', tally.ends);
  if (tally.internalErrors.length > 0) {
    console.log(`sessions answered "internal server error": ${tally.internalErrors.length} (first: ${tally.internalErrors.slice(0, 10).join(', ')})`);
  }
  printTally('ERROR lines in the server log, by kind:', server.errors);
  if (open.size > 0) {
    console.error(`FAIL: the fuzzer leaked ${open.size} WebSockets`);
    return 1;
  }
  return 0;
}

main().then((code) => {
  process.exitCode = code;
}, (error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
