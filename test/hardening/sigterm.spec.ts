// Issue "Hard to break", item 7: SIGTERM under load. The process exits 0 within 10 s; STOMP clients get an
// ERROR frame or a clean close; SSE streams and held long polls end; every receipted message is stored.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RawStomp, frameText as f } from '../support/raw-stomp';
import { startServer } from '../support/server';
import { eventually, http } from './hardening-client';

const SENDERS = 4;
const IN_FLIGHT = 8;

/** Opens a streaming GET and resolves `ended` when the server ends or cuts it. */
function stream(url: string): Promise<{ status: number; ended: Promise<string> }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent: false }, (res) => {
      let text = '';
      const ended = new Promise<string>((done) => {
        res.on('data', (c: Buffer) => void (text += c.toString()));
        res.on('end', () => done(text));
        res.on('close', () => done(text));
        res.on('error', () => done(text));
      });
      resolve({ status: res.statusCode ?? 0, ended });
    });
    req.on('error', reject);
    req.end();
  });
}

describe('SIGTERM under load', () => {
  it('exits 0 in time, tells every client, and keeps every receipted message', async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'chat-sigterm-'));
    const env = { DATABASE_URL: `sqlite:${join(dir, 'chat.sqlite')}`, RATE_LIMIT_PER_SEC: '0' };
    try {
      const server = await startServer(env);
      const senders = await Promise.all(Array.from({ length: SENDERS }, async (_, n) => {
        const c = await RawStomp.open(`${server.wsUrl}/chat`);
        await c.connect({ 'heart-beat': '0,0', login: `s${n}` });
        return c;
      }));
      const receipted = new Set<string>();
      let stopping = false;
      const pumps = senders.map(async (c, n) => {
        let next = 0;
        let seen = 0;
        const send = () => {
          const text = `s${n}-${next++}`;
          c.send(f('SEND', { destination: '/app/rooms/load', receipt: text }, JSON.stringify({ text })));
        };
        for (let i = 0; i < IN_FLIGHT; i++) send();
        // Keep IN_FLIGHT sends outstanding until the server goes away.
        while (!stopping && c.closeCode === undefined) {
          try {
            await c.next(() => c.frames.length > seen, 2_000, seen);
          } catch {
            break;
          }
          for (; seen < c.frames.length; seen++) {
            const frame = c.frames[seen];
            if (frame.command !== 'RECEIPT') continue;
            receipted.add(frame.headers.get('receipt-id')!);
            if (c.ws.readyState === c.ws.OPEN) send();
          }
        }
      });
      const sse = await stream(`${server.url}/sse/rooms/load`);
      // A held poll answers (headers and all) only when a message comes, its timeout ends, or shutdown.
      const pollAnswer = stream(`${server.url}/api/rooms/quiet/poll?timeout=60`);
      assert.equal(sse.status, 200);
      await eventually(async () => (receipted.size >= 200 ? true : undefined), 15_000, '200 receipts under load');

      const started = performance.now();
      const code = await server.stop();
      const tookMs = performance.now() - started;
      stopping = true;
      t.diagnostic(`SIGTERM with ${receipted.size} receipted so far: exit ${code} after ${tookMs.toFixed(0)} ms`);
      assert.equal(code, 0);
      assert.ok(tookMs < 10_000, `exit within 10 s (${tookMs.toFixed(0)} ms)`);
      await Promise.all(pumps);

      for (const c of senders) {
        await c.closed;
        const error = c.frames.find((x) => x.command === 'ERROR');
        assert.ok(error || c.closeCode === 1000 || c.closeCode === 1001, `ERROR frame or clean close (got ${c.closeCode})`);
      }
      await sse.ended;
      const held = await pollAnswer;
      assert.ok(held.status === 200 || held.status === 503, `the held poll was answered (${held.status})`);
      await held.ended;

      const again = await startServer(env);
      try {
        const stored = new Set<string>();
        let after = 0;
        for (;;) {
          const page = JSON.parse((await http(`${again.url}/api/rooms/load/messages?after=${after}&limit=500`)).text) as { id: number; text: string }[];
          if (page.length === 0) break;
          for (const m of page) stored.add(m.text);
          after = page[page.length - 1].id;
        }
        const lost = [...receipted].filter((x) => !stored.has(x));
        t.diagnostic(`${receipted.size} receipted, ${stored.size} stored after restart`);
        assert.deepEqual(lost, [], 'every receipted message survived the shutdown');
      } finally {
        assert.equal(await again.stop(), 0);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
