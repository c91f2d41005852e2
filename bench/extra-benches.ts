/**
 * Benchmarks that live next to ours as standalone scripts (bench/store.bench.ts, bench/idle-http.bench.ts).
 * The runner starts each compiled script as its own process, with its own output, after our table.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export const EXTRA_BENCHES = {
  store: 'store.bench.js',
  'idle-http': 'idle-http.bench.js',
} as const;
export type ExtraBenchName = keyof typeof EXTRA_BENCHES;

export function extraBenchScript(name: ExtraBenchName): string {
  return join(__dirname, EXTRA_BENCHES[name]);
}

export function extraBenchAvailable(name: ExtraBenchName): boolean {
  return existsSync(extraBenchScript(name));
}

/** Runs one extra bench with inherited stdio; resolves with its exit code (killed after `limitMs`). */
export function runExtraBench(name: ExtraBenchName, limitMs: number): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [extraBenchScript(name)], { stdio: 'inherit' });
    const timer = setTimeout(() => {
      process.stderr.write(`${name} bench ran past ${limitMs / 1000} s; stopping it\n`);
      child.kill('SIGKILL');
    }, limitMs);
    child.once('error', (err) => {
      clearTimeout(timer);
      process.stderr.write(`${name} bench could not start: ${err.message}\n`);
      resolve(1);
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      resolve(code ?? (signal ? 1 : 0));
    });
  });
}
