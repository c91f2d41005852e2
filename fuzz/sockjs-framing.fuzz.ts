/*
 * Mutation fuzzer for the SockJS framing and the SockJS request guards.
 *   node dist/fuzz/sockjs-framing.fuzz.js [--runs 1000000] [--seed N] [--max-ms 100] [--corpus DIR] [--artifacts DIR]
 *
 * Each run mutates an entry of the pool (seed corpus: real STOMP-over-SockJS messages, SockJS URLs,
 * Origin/Host pairs) and reads it three ways, against the real code:
 *   message: sockjs' own `utils.quote` builds the `a[...]` frame; the frame must decode (as sockjs-client
 *            does) to exactly the message, carry no raw control or line-separator characters (it goes
 *            into `data:` lines and scripts), and a batch sent by a client must decode to its messages.
 *            The htmlfile chunk (sockjs 0.3.24 trans-htmlfile: `<script>\np(JSON.stringify(frame));\n</script>`)
 *            after our guard (escapeFrame) must hold no `</script` or `<!--` and still carry the same frame;
 *            how often the unguarded chunk would have broken out is reported (--strict-htmlfile: fail on it).
 *   url:      parseUrl, routeOf and callbackOf never throw; a callback is only ever a plain dotted name;
 *            a session route's segments never contain `/` or `.`.
 *   origin:   both origin policies (SockJS and the HTTP doors) never throw and never let a foreign origin
 *            through: allowed means no Origin, `*`, listed, or the same host as the Host header.
 * No input may take over --max-ms (re-timed three times first). Exits 1 with the input saved on failure.
 */
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fuzzOptions } from './fuzz-options';
import type { IncomingMessage } from 'node:http';
import { callbackOf, parseUrl, routeOf } from '../libs/stomp/src/transport/sockjs/sockjs-request-guards';
import { requestOriginAllowed } from '../libs/stomp/src/transport/origin-policy';
import { escapeFrame } from '../libs/stomp/src/transport/sockjs/htmlfile-frame.guard';
import { Rng, mutate } from './stomp-mutators';

const { quote } = require('sockjs/lib/utils') as { quote(s: string): string };


class FuzzFailure extends Error {}
type Mode = 'message' | 'url' | 'origin';
const fail = (why: string): never => {
  throw new FuzzFailure(why);
};

const RAW_UNSAFE = /[\x00-\x1f\u2028\u2029]/;
const SCRIPT_BREAK = /<\/script|<!--/i;
const CALLBACK = /^[a-zA-Z0-9_.]{1,32}$/;
const MAX_MESSAGE_BYTES = 64 * 1024;
let htmlfileFindings = 0;
let htmlfileExample = '';

/** A message as a client could send it: the input as UTF-8, or as Latin-1, sometimes with a lone surrogate. */
function messageOf(whole: Buffer, rng: Rng): string {
  // Nothing larger than MAX_FRAME_BYTES (default 64 KiB) gets past the doors to be framed.
  const input = whole.subarray(0, MAX_MESSAGE_BYTES);
  let text = rng.chance(0.8) ? input.toString('utf8') : input.toString('latin1');
  if (rng.chance(0.1)) {
    const at = rng.int(text.length + 1);
    text = text.slice(0, at) + String.fromCharCode(0xd800 + rng.int(0x800)) + text.slice(at);
  }
  return text;
}

function checkMessage(message: string, other: string, strict: boolean): void {
  const frame = `a[${quote(message)}]`;
  if (RAW_UNSAFE.test(frame)) fail('a frame carries a raw control or line-separator character');
  const decoded = JSON.parse(frame.slice(1)) as unknown;
  if (!Array.isArray(decoded) || decoded.length !== 1 || decoded[0] !== message) fail('a frame does not decode to its message');
  // What sockjs-client sends (JSON.stringify of a batch) decodes to the batch on the server.
  const batch = JSON.parse(JSON.stringify([message, other])) as unknown;
  if (!Array.isArray(batch) || batch[0] !== message || batch[1] !== other) fail('a client batch does not decode to its messages');
  const raw = `<script>\np(${JSON.stringify(frame)});\n</script>\r\n`;
  if (SCRIPT_BREAK.test(raw.slice('<script>'.length, -'</script>\r\n'.length))) {
    htmlfileFindings++;
    if (!htmlfileExample) htmlfileExample = raw.slice(0, 160);
  }
  // What our htmlfile guard writes instead must never break out, and must still carry the same frame.
  const html = escapeFrame(raw);
  const inner = html.slice('<script>\np('.length, -');\n</script>\r\n'.length);
  if (SCRIPT_BREAK.test(inner)) fail('a guarded htmlfile chunk ends its script early');
  if (JSON.parse(inner) !== frame) fail('the htmlfile guard changed a frame');
  if (strict && htmlfileFindings > 0) fail('unguarded sockjs htmlfile framing would end its script early');
}

function checkUrl(url: string): void {
  const { path, search } = parseUrl(url);
  const route = routeOf(path, '/chat');
  if (route?.kind === 'session' && /[/.]/.test(route.transport)) fail(`a session route with a bad transport segment: ${route.transport}`);
  const callback = callbackOf(search);
  if (callback !== undefined && !CALLBACK.test(callback)) fail(`callbackOf let ${JSON.stringify(callback)} through`);
}

const POLICIES: ReadonlyArray<'*' | ReadonlySet<string>> = [new Set(), new Set(['http://good.example', 'https://good.example']), '*'];

function sameHost(origin: string, host: string): boolean {
  try {
    const from = new URL(origin.trim());
    return new URL(`${from.protocol}//${host.trim()}`).host === from.host;
  } catch {
    return false;
  }
}

function checkOrigin(input: string, rng: Rng): void {
  const nl = input.indexOf('\n');
  const origin = nl === -1 ? input : input.slice(0, nl);
  const host = nl === -1 ? undefined : input.slice(nl + 1);
  const policy = rng.pick(POLICIES);
  const req = { headers: { origin, host } } as unknown as IncomingMessage;
  for (const [door, allowed] of [['every door', requestOriginAllowed(req, policy)]] as const) {
    if (!allowed || policy === '*') continue;
    const listed = [...policy].some((o) => o === origin.trim().toLowerCase().replace(/\/+$/, ''));
    if (!listed && !(host !== undefined && sameHost(origin, host))) {
      fail(`the ${door} policy let a foreign origin through: ${JSON.stringify(origin)} for Host ${JSON.stringify(host)}`);
    }
  }
}

function runOne(mode: Mode, input: Buffer, rng: Rng, other: Buffer, strict: boolean): void {
  if (mode === 'message') checkMessage(messageOf(input, rng), messageOf(other, rng), strict);
  else if (mode === 'url') checkUrl(input.toString('latin1'));
  else checkOrigin(input.toString('utf8'), rng);
}

function loadCorpus(dir: string): Array<{ mode: Mode; input: Buffer }> {
  const files = readdirSync(dir).filter((f) => !f.startsWith('.')).sort();
  if (files.length === 0) throw new Error(`no seed inputs in ${dir}`);
  return files.map((f) => ({
    mode: f.endsWith('.url') ? 'url' : f.endsWith('.origin') ? 'origin' : 'message',
    input: readFileSync(join(dir, f)),
  }));
}

function timeMs(fn: () => void): number {
  const start = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

function main(): number {
  const parsed = fuzzOptions(process.argv.slice(2), resolve(__dirname, '../../fuzz/corpus/sockjs'), ['strict-htmlfile']);
  const options = { ...parsed, strictHtmlfile: parsed.switches.has('strict-htmlfile') };
  const rng = new Rng(options.seed);
  const seeds = loadCorpus(options.corpus);
  const pools: Record<Mode, Buffer[]> = { message: [], url: [], origin: [] };
  for (const s of seeds) pools[s.mode].push(s.input);
  const modes = (Object.keys(pools) as Mode[]).filter((m) => pools[m].length > 0);
  const counts: Record<Mode, number> = { message: 0, url: 0, origin: 0 };
  console.log(`sockjs-framing fuzz: ${options.runs} runs, seed ${options.seed}, ${seeds.length} seed inputs from ${options.corpus}`);
  let maxMs = 0;
  let mode: Mode = 'message';
  let input: Buffer = Buffer.alloc(0);
  const started = process.hrtime.bigint();
  try {
    for (let i = 0; i < options.runs; i++) {
      if (i < seeds.length) ({ mode, input } = seeds[i]);
      else {
        mode = rng.pick(modes);
        input = mutate(pools[mode], rng);
        // Keep inputs that are small and varied as further seeds, bounded.
        if (input.length <= 2048 && pools[mode].length < 2_000 && rng.chance(0.01)) pools[mode].push(input);
      }
      const other = rng.pick(pools.message.length > 0 ? pools.message : [Buffer.alloc(0)]);
      const state = rng.next();
      let ms = timeMs(() => runOne(mode, input, new Rng(state * 2 ** 31), other, options.strictHtmlfile));
      if (ms > options.maxMs) {
        ms = Math.min(...[0, 1, 2].map(() => timeMs(() => runOne(mode, input, new Rng(state * 2 ** 31), other, options.strictHtmlfile))));
        if (ms > options.maxMs) throw new FuzzFailure(`an input of ${input.length} bytes took ${ms.toFixed(1)} ms`);
      }
      maxMs = Math.max(maxMs, ms);
      counts[mode]++;
      if ((i + 1) % 200_000 === 0) console.log(`  ${i + 1} runs, max ${maxMs.toFixed(2)} ms`);
    }
  } catch (error) {
    mkdirSync(options.artifacts, { recursive: true });
    const file = join(options.artifacts, `sockjs-${mode}-${options.seed}-${Date.now()}.bin`);
    writeFileSync(file, input);
    console.error(`FAIL (${mode}): ${error instanceof Error ? error.message : String(error)}`);
    console.error(`input (${input.length} bytes) saved to ${file}; replay with --seed ${options.seed}`);
    return 1;
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  console.log(`runs: ${options.runs} in ${seconds.toFixed(1)} s (${Math.round(options.runs / seconds)} inputs/s): ${JSON.stringify(counts)}`);
  console.log(`max time per input: ${maxMs.toFixed(2)} ms; limit ${options.maxMs} ms`);
  if (htmlfileFindings > 0) {
    console.log(`sockjs 0.3.24 htmlfile unguarded: ${htmlfileFindings} messages would end the script early (all closed by the guard), e.g. ${JSON.stringify(htmlfileExample)}`);
  }
  return 0;
}

process.exitCode = main();
