import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { openRepository, tempDir } from './persistence-test.helpers';

const dir = tempDir('chat-crash-');
after(() => dir.remove());

/** Runs the writer child until it has acknowledged `atLeast` posts, kills it with SIGKILL, returns every acknowledged id. */
function postThenKill(url: string, synchronous: 'NORMAL' | 'FULL', atLeast: number): Promise<number[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(__dirname, 'crash-writer.fixture.js'), url, synchronous], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    let errors = '';
    let killed = false;
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      output += chunk;
      if (!killed && output.split('\n').length - 2 >= atLeast) {
        killed = true;
        child.kill('SIGKILL');
      }
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (errors += chunk));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (signal !== 'SIGKILL') return reject(new Error(`writer exited (${code}) before the kill: ${errors}`));
      // Only whole lines count: a line cut by the kill was never acknowledged.
      const lines = output.split('\n').slice(0, -1);
      assert.equal(lines.shift(), 'ready');
      resolve(lines.map(Number));
    });
  });
}

describe('a SIGKILL of the writing process', () => {
  for (const synchronous of ['FULL', 'NORMAL'] as const) {
    it(`loses no acknowledged message (WAL, synchronous=${synchronous})`, async () => {
      const url = `sqlite:${join(dir.path, `crash-${synchronous}.sqlite`)}`;
      const acknowledged = await postThenKill(url, synchronous, 400);
      assert.ok(acknowledged.length >= 400);
      const db = await openRepository(url);
      try {
        const rows: { id: number }[] = await db.dataSource.query('SELECT id FROM messages');
        const stored = new Set(rows.map((r) => r.id));
        const missing = acknowledged.filter((id) => !stored.has(id));
        assert.deepEqual(missing, [], `${missing.length} of ${acknowledged.length} acknowledged ids are missing`);
        // The database is intact and writable after the crash.
        const [next] = await db.repository.append([{ room: 'crash', from: 'after', text: 'again', sentAt: new Date() }]);
        assert.ok(next.message.id > Math.max(...acknowledged));
        assert.deepEqual(await db.dataSource.query('PRAGMA integrity_check'), [{ integrity_check: 'ok' }]);
      } finally {
        await db.close();
      }
    });
  }
});
