// #10 items 9 and 10: a refused body is answered and read (no EPIPE, no reset); slow requests are cut at
// HTTP_HEADERS_TIMEOUT_MS / HTTP_REQUEST_TIMEOUT_MS while streamed answers (SSE, long polls) live on.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Agent, request } from 'node:http';
import { connect, type Socket } from 'node:net';
import { startServer, type RunningServer } from '../support/server';
import { SseClient } from '../http/sse-client';

let server: RunningServer;
before(async () => {
  server = await startServer({
    ALLOWED_ORIGINS: 'http://good.example',
    HTTP_HEADERS_TIMEOUT_MS: '1000',
    HTTP_REQUEST_TIMEOUT_MS: '2000',
    RATE_LIMIT_PER_SEC: '0',
  });
});
after(async () => assert.equal(await server.stop(), 0));

interface Sent {
  status: number;
  text: string;
  reused: boolean;
}

/** POSTs `body` (all of it, as a client that does not wait for an early answer does) and reads the answer. */
function postBody(path: string, body: Buffer, headers: Record<string, string>, agent: Agent | false = false, chunked = false): Promise<Sent> {
  return new Promise((resolve, reject) => {
    const req = request(`${server.url}${path}`, {
      method: 'POST',
      agent,
      headers: { ...headers, ...(!chunked && { 'content-length': String(body.length) }) },
    }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => void (text += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text, reused: req.reusedSocket }));
    });
    req.on('error', reject);
    if (chunked) for (let i = 0; i < body.length; i += 64 * 1024) req.write(body.subarray(i, i + 64 * 1024));
    else req.write(body);
    req.end();
  });
}

const JSON_TYPE = { 'content-type': 'application/json' };
const twoMegabytes = () => Buffer.from(`{"from":"big","text":"${'x'.repeat(2 * 1024 * 1024)}"}`);

describe('#10 refused bodies are answered, and the client reads the answer', () => {
  it('a 2 MB POST gets its 413 (Content-Length and chunked), and the connection stays usable', async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const declared = await postBody('/api/rooms/x/messages', twoMegabytes(), JSON_TYPE, agent);
    assert.equal(declared.status, 413);
    assert.equal((JSON.parse(declared.text) as { error: string }).error, 'body-too-large');
    const chunked = await postBody('/api/rooms/x/messages', twoMegabytes(), JSON_TYPE, agent, true);
    assert.equal(chunked.status, 413);
    assert.ok(chunked.reused, 'the same keep-alive connection served the second request');
    agent.destroy();
  });

  it('a big body of the wrong type gets 415, and from a foreign origin 403, both read by the client', async () => {
    // Each on its own `Connection: close` socket, several times over: an answer ended before the body was
    // read let Node close the socket under the client's writes (EPIPE about one time in five).
    for (let round = 0; round < 10; round++) {
      const [wrongType, foreign] = await Promise.all([
        postBody('/api/rooms/x/messages', twoMegabytes(), { 'content-type': 'text/plain' }),
        postBody('/api/rooms/x/messages', twoMegabytes(), { ...JSON_TYPE, origin: 'http://evil.example' }),
      ]);
      assert.equal(wrongType.status, 415);
      assert.equal((JSON.parse(wrongType.text) as { error: string }).error, 'unsupported-media-type');
      assert.equal(foreign.status, 403);
    }
    assert.deepEqual(await (await fetch(`${server.url}/api/rooms/x/messages`)).json(), [], 'nothing was stored');
  });
});

/** Opens a raw connection, writes `data`, and resolves with what came back and how long until it closed. */
function rawExchange(data: string): Promise<{ text: string; closedAfterMs: number }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    let text = '';
    const socket: Socket = connect(server.port, '127.0.0.1', () => socket.write(data));
    socket.on('data', (c: Buffer) => void (text += c.toString()));
    socket.on('error', reject);
    socket.on('close', () => resolve({ text, closedAfterMs: performance.now() - started }));
    setTimeout(() => socket.destroy(), 20_000).unref();
  });
}

describe('#10 request timeouts for requests that never finish arriving', () => {
  it('cuts a client that never finishes its headers after HTTP_HEADERS_TIMEOUT_MS', async () => {
    const { closedAfterMs } = await rawExchange('GET /api/rooms HTTP/1.1\r\nHost: x\r\n');
    assert.ok(closedAfterMs < 5_000, `closed after ${closedAfterMs.toFixed(0)} ms (Node's own default: 60 s and more)`);
  });

  it('answers 408 to a body that never arrives, after HTTP_REQUEST_TIMEOUT_MS', async () => {
    const { text, closedAfterMs } = await rawExchange(
      'POST /api/rooms/x/messages HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"from"',
    );
    assert.match(text, /^HTTP\/1\.1 408/);
    assert.ok(closedAfterMs >= 1_500 && closedAfterMs < 6_000, `closed after ${closedAfterMs.toFixed(0)} ms`);
  });

  it('keeps SSE streams and held polls open well past the request timeout', async () => {
    const sse = await SseClient.open(`${server.url}/sse/rooms/long`);
    const poll = fetch(`${server.url}/api/rooms/long/poll?timeout=30`);
    await new Promise((resolve) => setTimeout(resolve, 3_500));
    const posted = await fetch(`${server.url}/api/rooms/long/messages`, { method: 'POST', headers: JSON_TYPE, body: '{"from":"a","text":"late"}' });
    assert.equal(posted.status, 201);
    const answer = await poll;
    assert.equal(answer.status, 200);
    assert.equal(((await answer.json()) as { text: string }[])[0]?.text, 'late');
    await sse.waitFor(() => sse.messages.length > 0);
    assert.equal(sse.messages[0]!.text, 'late');
    assert.ok(!sse.ended, 'the stream is still open');
    sse.close();
  });
});
