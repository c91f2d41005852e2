// #10 item 9: connections that carry nothing (an idle keep-alive, a socket that never sent a request, one
// stuck mid-headers or mid-body) do not hold SIGTERM until the 9 s deadline.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Agent, get } from 'node:http';
import { connect } from 'node:net';
import { startServer } from '../support/server';

describe('#10 SIGTERM with idle connections open', () => {
  it('exits 0 at once, not after the shutdown deadline', async (t) => {
    const server = await startServer();
    const agent = new Agent({ keepAlive: true });
    await new Promise<void>((resolve, reject) => {
      get(`${server.url}/health`, { agent }, (res) => {
        res.resume();
        res.on('end', resolve);
      }).on('error', reject);
    });
    const sockets = [
      connect(server.port, '127.0.0.1'),
      connect(server.port, '127.0.0.1', function (this: ReturnType<typeof connect>) {
        this.write('GET /health HTTP/1.1\r\nHost: x\r\n');
      }),
      connect(server.port, '127.0.0.1', function (this: ReturnType<typeof connect>) {
        this.write('POST /api/rooms/x/messages HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 50\r\n\r\n{');
      }),
    ];
    for (const s of sockets) s.on('error', () => undefined);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const started = performance.now();
    const code = await server.stop();
    const tookMs = performance.now() - started;
    t.diagnostic(`SIGTERM with an idle keep-alive and three stalled sockets: exit ${code} after ${tookMs.toFixed(0)} ms`);
    agent.destroy();
    for (const s of sockets) s.destroy();
    assert.equal(code, 0);
    // Before #10 each of these held the exit until the 9 s deadline.
    assert.ok(tookMs < 5_000, `took ${tookMs.toFixed(0)} ms`);
  });
});
