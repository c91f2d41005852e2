// The bench's two-node scenario end to end, tiny: two real nodes on PostgreSQL and RabbitMQ's STOMP plugin,
// every delivery across the relay, each one counted.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import type { ResultRow } from './results-table';

const run = promisify(execFile);

describe('bench/run.js --scenario cluster', () => {
  it('counts every cross-node delivery for our plain topics and our stored chat, and skips single-process targets', { timeout: 150_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bench-cluster-'));
    try {
      const json = join(dir, 'out.json');
      await run(process.execPath, [
        join(__dirname, 'run.js'), '--target', 'bare,ours,stored', '--workers', '1', '--subscribers', '20', '--rate', '5',
        '--duration', '1', '--no-ramp', '--scenario', 'cluster', '--json', json,
      ], { timeout: 140_000 });
      const rows = (JSON.parse(readFileSync(json, 'utf8')) as { rows: ResultRow[] }).rows;
      assert.deepEqual(rows.map((r) => [r.target, r.failed ?? r.delivered]), [
        ['bare ws', 'skipped: one process, no relay'],
        ['ours', '100/100'],
        ['ours stored', '100/100'],
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
