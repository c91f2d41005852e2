#!/usr/bin/env node
// Runs one tier of compiled tests with node's own test runner.
//   unit     *.spec.js           needs nothing but Node (real sockets on loopback, SQLite)
//   services *.services-spec.js  needs PostgreSQL and RabbitMQ (started by .ci/run)
//   browser  *.browser-spec.js   needs Debian's chromium
// Extra arguments narrow the run to files whose path contains one of them.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

const suffixes = { unit: '.spec.js', services: '.services-spec.js', browser: '.browser-spec.js' };
const [tier = 'unit', ...filters] = process.argv.slice(2);
const suffix = suffixes[tier];
if (!suffix) {
  console.error(`unknown test tier "${tier}"; use one of ${Object.keys(suffixes).join(', ')}`);
  process.exit(2);
}

function walk(dir, out) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path, out);
    else if (path.endsWith(suffix)) out.push(path);
  }
  return out;
}

const files = ['libs', 'apps', 'test', 'bench']
  .map((d) => join('dist', d))
  .filter((d) => { try { return statSync(d).isDirectory(); } catch { return false; } })
  .flatMap((d) => walk(d, []))
  .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)))
  .sort();

if (files.length === 0) {
  console.error(`no ${tier} test files found under dist/`);
  process.exit(1);
}
const concurrency = process.env.TEST_CONCURRENCY ?? '2';
// A browser file drives several pages of Chromium per test, on the same two cores as its server.
const fileTimeoutMs = process.env.TEST_TIMEOUT_MS ?? (tier === 'browser' ? '360000' : '180000');
const result = spawnSync(
  process.execPath,
  ['--enable-source-maps', '--test', `--test-concurrency=${concurrency}`, `--test-timeout=${fileTimeoutMs}`, ...files],
  { stdio: 'inherit', env: { ...process.env, NODE_ENV: 'test' } },
);
process.exit(result.status ?? 1);
