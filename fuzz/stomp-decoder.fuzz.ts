/*
 * Mutation fuzzer for the STOMP decoder.
 *   node dist/fuzz/stomp-decoder.fuzz.js [--runs 1000000] [--seed N] [--max-ms 100] [--corpus DIR] [--artifacts DIR]
 *
 * Each run mutates an entry of the pool (seed corpus of real frames plus inputs that produced a new
 * outcome signature), then checks four things:
 *   1. decoding never throws anything but StompCodecError;
 *   2. decoding the input whole and in random chunks gives the same outcome (frames, or error code);
 *   3. every decoded frame re-encodes and decodes back to itself (modulo content-length);
 *   4. no input takes over --max-ms (an input over 10 ms is re-timed three times and the best run
 *      counts, so that a GC pause or a preempted CI core is not reported as a bug).
 * Guidance is by outcome, not by code coverage (a true coverage-guided engine, Jazzer.js, does not load
 * on this machine's glibc): an input joins the pool when its (error code | commands, heart-beats,
 * leftover) signature is new. Exits 1 with the input saved under --artifacts on any failure.
 */
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fuzzOptions } from './fuzz-options';
import {
  DEFAULT_LIMITS, StompCodecError, StompDecoder, encodeFrame,
  type DecoderCommands, type DecoderLimits, type StompFrame, type StompVersion,
} from '@app/stomp-codec';
import { Rng, chunk, mutate } from './stomp-mutators';


interface Setup { limits: DecoderLimits; commands: DecoderCommands; version: StompVersion }
type Outcome =
  | { kind: 'frames'; frames: StompFrame[]; heartbeats: number; buffered: number }
  | { kind: 'error'; error: StompCodecError };

class FuzzFailure extends Error {}

const RETIME_MS = 10;
const MAX_POOL = 4096;
const SMALL_LIMITS: DecoderLimits = { maxFrameBytes: 512, maxHeaders: 4, maxHeaderBytes: 40 };

function run(setup: Setup, chunks: Buffer[]): Outcome {
  const decoder = new StompDecoder(setup.limits, { commands: setup.commands });
  decoder.version = setup.version;
  const frames: StompFrame[] = [];
  try {
    for (const c of chunks) for (const f of decoder.push(c)) frames.push(f);
  } catch (error) {
    if (error instanceof StompCodecError) return { kind: 'error', error };
    throw new FuzzFailure(`decoder threw a non-StompCodecError: ${error instanceof Error ? error.stack : String(error)}`);
  }
  return { kind: 'frames', frames, heartbeats: decoder.heartbeats, buffered: decoder.bufferedBytes };
}

const describeFrame = (f: StompFrame) => JSON.stringify([f.command, [...f.headers], f.body.toString('hex')]);
const withoutLength = (f: StompFrame) => JSON.stringify([f.command, [...f.headers].filter(([n]) => n !== 'content-length'), f.body.toString('hex')]);

function sameOutcome(a: Outcome, b: Outcome): boolean {
  if (a.kind === 'error' || b.kind === 'error') {
    return a.kind === 'error' && b.kind === 'error' && a.error.code === b.error.code;
  }
  return a.heartbeats === b.heartbeats && a.buffered === b.buffered
    && a.frames.length === b.frames.length && a.frames.every((f, i) => describeFrame(f) === describeFrame(b.frames[i]));
}

/** A frame whose header ends in CR cannot survive 1.0/1.1 or unescaped frames (documented in the encoder). */
function lossless(f: StompFrame, version: StompVersion): boolean {
  const escapedCr = version === '1.2' && !['CONNECT', 'STOMP', 'CONNECTED'].includes(f.command);
  return escapedCr || ![...f.headers].some(([n, v]) => n.endsWith('\r') || v.endsWith('\r'));
}

function checkReencode(setup: Setup, frames: StompFrame[]): void {
  for (const f of frames) {
    if (!lossless(f, setup.version)) continue;
    let bytes: Buffer;
    try {
      bytes = encodeFrame(f, setup.version);
    } catch (error) {
      throw new FuzzFailure(`a decoded frame does not re-encode: ${String(error)} ${describeFrame(f)}`);
    }
    const again = run({ ...setup, limits: { maxFrameBytes: 1 << 24, maxHeaders: 1 << 16, maxHeaderBytes: 1 << 24 } }, [bytes]);
    if (again.kind === 'error' || again.frames.length !== 1 || withoutLength(again.frames[0]) !== withoutLength(f)) {
      throw new FuzzFailure(`re-encoding changed a frame: ${describeFrame(f)}`);
    }
  }
}

function signature(setup: Setup, outcome: Outcome): string {
  if (outcome.kind === 'error') return `${setup.commands}|${outcome.error.code}`;
  const commands = [...new Set(outcome.frames.map((f) => f.command))].sort().join(',');
  return `${setup.commands}|${commands}|${Math.min(outcome.heartbeats, 3)}|${outcome.buffered > 0}|${Math.min(outcome.frames.length, 4)}`;
}

function loadCorpus(dir: string): Buffer[] {
  const files = readdirSync(dir).filter((f) => !f.startsWith('.')).sort();
  if (files.length === 0) throw new Error(`no seed inputs in ${dir}`);
  return files.map((f) => readFileSync(join(dir, f)));
}

function timeMs(fn: () => void): number {
  const start = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

function main(): number {
  const options = fuzzOptions(process.argv.slice(2), resolve(__dirname, '../../fuzz/corpus/stomp'));
  const rng = new Rng(options.seed);
  const seeds = loadCorpus(options.corpus);
  const pool: Buffer[] = [...seeds];
  const signatures = new Set<string>();
  const errors = new Map<string, number>();
  let maxMs = 0;
  let maxMsBytes = 0;
  let frames = 0;
  console.log(`stomp-decoder fuzz: ${options.runs} runs, seed ${options.seed}, ${seeds.length} seed inputs from ${options.corpus}`);
  // Capturing stacks is most of the cost of a refused input; a failure is replayed with stacks on.
  const stackTraceLimit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  const started = process.hrtime.bigint();
  let input: Buffer = Buffer.alloc(0);
  let setup: Setup = { limits: DEFAULT_LIMITS, commands: 'client', version: '1.2' };
  let chunks: Buffer[] = [];
  try {
    for (let i = 0; i < options.runs; i++) {
      input = i < seeds.length ? seeds[i] : mutate(pool, rng);
      setup = {
        limits: rng.chance(0.8) ? DEFAULT_LIMITS : SMALL_LIMITS,
        commands: rng.pick<DecoderCommands>(['client', 'client', 'server', 'any']),
        version: rng.pick<StompVersion>(['1.2', '1.2', '1.1', '1.0']),
      };
      chunks = chunk(input, rng);
      let outcome: Outcome | undefined;
      let ms = timeMs(() => { outcome = run(setup, chunks); });
      if (ms > RETIME_MS) {
        // A GC pause or a preempted core is not the input's fault: the best of three more runs counts.
        ms = Math.min(ms, ...[0, 1, 2].map(() => timeMs(() => run(setup, chunks))));
        if (ms > options.maxMs) throw new FuzzFailure(`an input of ${input.length} bytes took ${ms.toFixed(1)} ms`);
      }
      if (ms > maxMs) [maxMs, maxMsBytes] = [ms, input.length];
      const result = outcome as Outcome;
      const whole = run(setup, [input]);
      if (!sameOutcome(result, whole)) throw new FuzzFailure('decoding whole and in chunks gave different results');
      if (result.kind === 'error') {
        // Quoted input and the escaped character vary; the sentence is what makes an error unique.
        const message = result.error.message.replace(/"[^]*"/, '"…"').replace(/sequence [^]* in a/, 'sequence … in a');
        const key = `${result.error.code}: ${message.replace(/\d+/g, 'N')}`;
        errors.set(key, (errors.get(key) ?? 0) + 1);
      } else {
        frames += result.frames.length;
        checkReencode(setup, result.frames);
      }
      const sig = signature(setup, result);
      if (!signatures.has(sig)) {
        signatures.add(sig);
        if (input.length <= 4096) {
          if (pool.length < MAX_POOL) pool.push(input);
          else pool[seeds.length + rng.int(MAX_POOL - seeds.length)] = input;
        }
      }
      if ((i + 1) % 200_000 === 0) console.log(`  ${i + 1} runs, pool ${pool.length}, max ${maxMs.toFixed(2)} ms`);
    }
  } catch (caught) {
    Error.stackTraceLimit = stackTraceLimit;
    let error = caught;
    try {
      run(setup, chunks);
    } catch (replayed) {
      error = replayed;
    }
    mkdirSync(options.artifacts, { recursive: true });
    const file = join(options.artifacts, `crash-${options.seed}-${Date.now()}.bin`);
    writeFileSync(file, input);
    console.error(`FAIL (${JSON.stringify(setup)}): ${error instanceof Error ? error.message : String(error)}`);
    console.error(`input (${input.length} bytes) saved to ${file}; replay with --seed ${options.seed}`);
    return 1;
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  console.log(`runs: ${options.runs} in ${seconds.toFixed(1)} s (${Math.round(options.runs / seconds)} inputs/s)`);
  console.log(`frames decoded: ${frames}; pool: ${pool.length} inputs (${signatures.size} outcome signatures)`);
  console.log(`max time per input: ${maxMs.toFixed(2)} ms (${maxMsBytes} bytes); limit ${options.maxMs} ms`);
  console.log(`unique errors: ${errors.size}`);
  for (const [key, count] of [...errors].sort((a, b) => b[1] - a[1])) console.log(`  ${count}\t${key}`);
  return 0;
}

process.exitCode = main();
