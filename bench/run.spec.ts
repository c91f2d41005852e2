import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import type { ResultRow } from './results-table';
import { ServerProcess } from './server-process';
import { serverSpec } from './bench-targets';

const run = promisify(execFile);

describe('bench/run.js end to end against the bare ws ceiling (tiny sizes)', () => {
  it('runs every scenario, counts every delivery and prints the table', { timeout: 90_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bench-run-'));
    try {
      const json = join(dir, 'out.json');
      const { stdout } = await run(process.execPath, [
        join(__dirname, 'run.js'), '--target', 'bare', '--workers', '2',
        '--subscribers', '20', '--rate', '10', '--duration', '1', '--ramp-step', '1', '--ramp-max-rate', '5',
        '--rooms', '3', '--room-size', '4', '--idle', '40', '--idle-hold', '0', '--scenario', 'fanout,rooms,idle',
        '--json', json,
      ], { timeout: 80_000 });
      assert.match(stdout, /scenario\s+target\s+deliveries\/s\s+p50 ms\s+p99 ms\s+server CPU%\s+gen CPU%\s+RSS\/conn KiB/);
      const rows = (JSON.parse(readFileSync(json, 'utf8')) as { rows: ResultRow[] }).rows;
      const byKey = new Map(rows.map((r) => [r.key, r]));
      assert.deepEqual([...byKey.keys()], ['fanout-fixed', 'fanout-ramp', 'rooms', 'idle']);
      for (const r of rows) assert.equal(r.failed, undefined, `${r.scenario}: ${r.failed}`);
      // 10 msg/s for 1 s to 20 subscribers; 12 sessions publishing 1 msg/s for 1 s into rooms of 4.
      assert.equal(byKey.get('fanout-fixed')!.delivered, '200/200');
      assert.equal(byKey.get('rooms')!.delivered, '48/48');
      assert.ok(byKey.get('fanout-fixed')!.p99Ms! > 0);
      assert.ok(byKey.get('idle')!.rssPerConnKiB! > 0);
      assert.match(byKey.get('idle')!.notes.join('\n'), /40 sessions opened .* 40 still open/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('drives Socket.IO and our stored chat with the same load, counting every delivery', { timeout: 120_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bench-run-'));
    try {
      const json = join(dir, 'out.json');
      await run(process.execPath, [
        join(__dirname, 'run.js'), '--target', 'socketio,stored', '--workers', '1', '--subscribers', '10', '--rate', '5',
        '--duration', '1', '--no-ramp', '--scenario', 'fanout,bodies', '--json', json,
      ], { timeout: 110_000 });
      const rows = (JSON.parse(readFileSync(json, 'utf8')) as { rows: ResultRow[] }).rows;
      const summary = rows.map((r) => [r.key, r.target, r.failed ?? r.delivered]);
      assert.deepEqual(summary, [
        ['fanout-fixed', 'socket.io', '50/50'],
        ['fanout-fixed', 'ours stored', '50/50'],
        ['bodies-100', 'socket.io', '50/50'],
        ['bodies-16384', 'socket.io', '50/50'],
        // A chat message's text is at most 4,000 characters: the stored chat has no 16 KiB row.
        ['bodies-100', 'ours stored', '50/50'],
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('holds every idle door: the bare ceiling\'s SSE, poll and plain socket, our SockJS transports, each compared with its ceiling', { timeout: 120_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bench-run-'));
    try {
      const json = join(dir, 'out.json');
      const { stdout } = await run(process.execPath, [
        join(__dirname, 'run.js'), '--target', 'bare,ours', '--workers', '2', '--idle', '12', '--idle-hold', '0',
        '--scenario', 'idle-doors', '--doors', 'sockjs-ws,sockjs-xhr-streaming,sse,long-poll,plain-ws', '--json', json,
      ], { timeout: 110_000 });
      const rows = (JSON.parse(readFileSync(json, 'utf8')) as { rows: ResultRow[] }).rows;
      assert.deepEqual(rows.map((r) => [r.key, r.target, r.failed]), [
        ['idle-sse', 'bare ws', undefined],
        ['idle-long-poll', 'bare ws', undefined],
        ['idle-plain-ws', 'bare ws', undefined],
        ['idle-sockjs-ws', 'ours', undefined],
        ['idle-sockjs-xhr-streaming', 'ours', undefined],
        ['idle-sse', 'ours', undefined],
        ['idle-long-poll', 'ours', undefined],
        ['idle-plain-ws', 'ours', undefined],
      ]);
      for (const r of rows) {
        assert.match(r.notes[0], /^12 \w+ opened at \d+\/s; 12 still open after 0 s$/, `${r.scenario} / ${r.target}: ${r.notes.join('; ')}`);
        assert.ok(Number.isFinite(r.rssPerConnKiB), `${r.scenario}: RSS/conn`);
      }
      // xhr-streaming is measured against the bare SSE stream, SockJS's websocket against bare STOMP over ws (not in this run).
      assert.match(stdout, /idle 12 SockJS xhr-streaming sessions\s+ours\s+RSS\/conn KiB\s.*\dx/);
      assert.doesNotMatch(stdout, /idle 12 SockJS websocket sessions\s+ours\s+RSS\/conn KiB/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses a bad flag with exit status 2 and the usage', async () => {
    await assert.rejects(run(process.execPath, [join(__dirname, 'run.js'), '--subscribers', 'many']), (err: { code: number; stderr: string }) => {
      assert.equal(err.code, 2);
      assert.match(err.stderr, /--subscribers must be an integer/);
      assert.match(err.stderr, /usage: node dist\/bench\/run.js/);
      return true;
    });
  });
});

describe('ServerProcess', () => {
  it('starts a target, reads its port from the log line, its memory and CPU from /proc, and stops it', { timeout: 30_000 }, async () => {
    const server = await ServerProcess.start(serverSpec('bare', 10, 10_000), process.cwd());
    try {
      assert.ok(server.port > 0);
      assert.equal(server.wsUrl, `ws://127.0.0.1:${server.port}/chat`);
      assert.ok(server.rssBytes() > 1024 * 1024, 'a node process has more than 1 MiB resident');
      assert.ok(server.cpuSeconds() >= 0);
    } finally {
      await server.stop();
    }
    assert.equal(server.alive, false);
    assert.ok(Number.isNaN(server.rssBytes()), 'a stopped server has no /proc entry');
  });
});
