import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import type { ResultRow } from './results-table';
import { syscalls } from './scenarios/scale.scenario';

const run = promisify(execFile);

describe('bench scenario scale (tiny grid, bare ws)', () => {
  it('offers the same deliveries at every grid point, counts them all and fits the two costs', { timeout: 90_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bench-scale-'));
    try {
      const json = join(dir, 'out.json');
      await run(process.execPath, [
        join(__dirname, 'run.js'), '--target', 'bare', '--workers', '2', '--scenario', 'scale',
        '--scale-rooms', '2,8', '--scale-sessions', '4', '--scale-deliveries', '40', '--scale-duration', '1', '--json', json,
      ], { timeout: 80_000 });
      const rows = (JSON.parse(readFileSync(json, 'utf8')) as { rows: ResultRow[] }).rows;
      assert.deepEqual(rows.map((r) => [r.key, r.failed ?? r.delivered]), [
        // 2 rooms of 2 at 20 msg/s, 8 rooms of 1 at 40 msg/s: 40 deliveries in the second either way.
        ['scale-2x4', '40/40'],
        ['scale-8x4', '40/40'],
        ['scale-fit', undefined],
      ]);
      assert.match(rows[0].notes[0], /2 subscribers per room, 1 rooms per session, 20 msg\/s; idle .* for 20 messages and 40 deliveries/);
      assert.match(rows[1].notes[0], /1 subscribers per room, 2 rooms per session, 40 msg\/s/);
      assert.match(rows[2].notes.join('\n'), /a = -?[\d.]+ µs per message, b = -?[\d.]+ µs per delivery/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reads a process\'s system calls from /proc, NaN for one that is gone', () => {
    assert.ok(syscalls(process.pid) > 0);
    assert.ok(Number.isNaN(syscalls(2 ** 31 - 1)));
  });
});
