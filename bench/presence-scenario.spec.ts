// #13: the bench's presence scenario end to end at a tiny size (bench/scenarios/presence.scenario.ts): the
// counts it reports are what every one of 20 named sessions received.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import type { ResultRow } from './results-table';

const run = promisify(execFile);

describe('bench/run.js --scenario presence (tiny sizes)', () => {
  it('presence: 20 named users join one room, 5 of them type; every join and typing event reaches everyone', { timeout: 120_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bench-run-'));
    try {
      const json = join(dir, 'out.json');
      await run(process.execPath, [
        join(__dirname, 'run.js'), '--target', 'bare,ours', '--workers', '2', '--scenario', 'presence', '--presence-users', '20',
        '--presence-join-rate', '40', '--presence-typers', '5', '--duration', '2', '--presence-idle', '1', '--json', json,
      ], { timeout: 110_000 });
      const rows = (JSON.parse(readFileSync(json, 'utf8')) as { rows: ResultRow[] }).rows;
      assert.deepEqual(rows.map((r) => [r.key, r.target]), [
        ['presence-join', 'bare ws'], ['presence-join', 'ours'], ['presence-typing', 'ours'], ['presence-idle', 'ours'],
      ]);
      assert.match(rows[0].failed ?? '', /^skipped: /);
      const [, joins, typing, idle] = rows;
      for (const r of [joins, typing, idle]) assert.equal(r.failed, undefined, `${r.scenario}: ${r.failed}`);
      // User i of 20 sees the joins of users i..19, its own included: 20 + 19 + ... + 1.
      assert.equal(joins.delivered, '210/210');
      assert.match(joins.notes.join('\n'), /presence: 20 users/);
      assert.ok(joins.p99Ms! >= 0 && joins.serverCpuPct! > 0);
      // Every typing event that passed the throttle reaches all 20; at one SEND per 1.1 s none is dropped.
      const sends = /sent (\d+) "typing" SENDs .*; (\d+) became events/.exec(typing.notes.join('\n'));
      assert.ok(sends, typing.notes.join('\n'));
      assert.ok(Number(sends[1]) >= 5 && Number(sends[2]) > 0);
      assert.equal(typing.delivered, `${Number(sends[2]) * 20}/${Number(sends[2]) * 20}`);
      // Each typist's typing ends by itself 5 s after their last SEND, announced to all 20.
      assert.match(typing.notes.join('\n'), /typing ended by itself: 100\/100 "typing":false deliveries/);
      assert.match(idle.notes.join('\n'), /20 present users' sessions, no room traffic; .*; 0 room events meanwhile/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
