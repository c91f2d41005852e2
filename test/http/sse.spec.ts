import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SseHub } from '../../libs/transports/src/http';
import { startHttpApp, type HttpTestApp } from './http-test-app';
import { postJson, request, type WireMessage } from './http-client';
import { SseClient } from './sse-client';

describe('SSE: /sse/rooms/{room}', () => {
  let t: HttpTestApp;
  let hub: SseHub;
  before(async () => {
    t = await startHttpApp({}, { sseHeartbeatMs: 200 });
    hub = t.app.get(SseHub);
  });
  after(() => t.stop());

  const post = async (room: string, text: string) =>
    (await postJson(`${t.url}/api/rooms/${room}/messages`, { from: 's', text })).json() as WireMessage;
  const open = (room: string, headers: Record<string, string> = {}, query = '') =>
    SseClient.open(`${t.url}/sse/rooms/${room}${query}`, headers);

  /** Live delivery starts once the follower has caught up; a marker message proves it has. */
  async function live(client: SseClient, room: string): Promise<void> {
    const marker = await post(room, `marker-${Math.random()}`);
    await client.waitFor(() => client.messages.some((m) => m.id === marker.id));
  }

  it('starts with the headers and retry:, then streams id/event/data per message', async () => {
    const client = await open('sse-a');
    assert.equal(client.status, 200);
    assert.match(String(client.response!.headers['content-type']), /^text\/event-stream/);
    assert.match(String(client.response!.headers['cache-control']), /no-cache/);
    await client.waitFor(() => client.retry !== undefined);
    assert.match(client.lines[0], /^retry: \d+$/);
    const m = await post('sse-a', 'hello');
    const [event] = await client.waitForEvents(1);
    assert.equal(event.id, String(m.id));
    assert.equal(event.event, 'message');
    assert.deepEqual(JSON.parse(event.data), m);
    client.close();
  });

  it('sends comment heart-beats on an idle stream', async () => {
    const client = await open('sse-b');
    await client.waitFor(() => client.comments.length >= 2);
    assert.equal(client.events.length, 0);
    client.close();
  });

  for (const how of ['Last-Event-ID header', '?lastEventId= query'] as const) {
    it(`resumes after a dropped connection with the ${how}: the missed ones, once, then live`, async () => {
      const room = how.startsWith('Last') ? 'sse-c' : 'sse-d';
      const first = await open(room);
      await live(first, room);
      const seen = await post(room, 'seen');
      await first.waitFor(() => first.messages.some((m) => m.id === seen.id));
      first.close();
      await first.waitForEnd();
      const missed = [await post(room, 'missed 1'), await post(room, 'missed 2')];
      const second =
        how === 'Last-Event-ID header'
          ? await open(room, { 'Last-Event-ID': String(seen.id) })
          : await open(room, {}, `?lastEventId=${seen.id}`);
      await second.waitForEvents(2);
      const fresh = await post(room, 'live again');
      await second.waitForEvents(3);
      assert.deepEqual(second.messages, [...missed, fresh]);
      assert.deepEqual(second.events.map((e) => e.id), [...missed, fresh].map((m) => String(m.id)));
      second.close();
    });
  }

  it('a bad room or Last-Event-ID is a 400 with {error, message}', async () => {
    for (const [path, headers, code] of [
      ['/sse/rooms/bad%20room', {}, 'invalid-room'],
      ['/sse/rooms/ok', { 'Last-Event-ID': 'x' }, 'invalid-query'],
      ['/sse/rooms/ok?lastEventId=-1', {}, 'invalid-query'],
    ] as const) {
      const res = await request(`${t.url}${path}`, { headers: { ...headers } });
      assert.equal(res.status, 400, path);
      const body = res.json() as { error: string; message: string };
      assert.equal(body.error, code);
      assert.ok(body.message);
    }
  });

  it('forgets a stream whose client went away', async () => {
    // Earlier tests closed their streams; wait until the server has seen every close.
    while (hub.size !== 0) await new Promise((r) => setTimeout(r, 10));
    const client = await open('sse-e');
    await client.waitFor(() => client.retry !== undefined);
    assert.equal(hub.size, 1);
    client.close();
    while (hub.size !== 0) await new Promise((r) => setTimeout(r, 10));
  });
});

describe('SSE: slow readers', () => {
  const cases = [
    ['once its unsent bytes pass SEND_BUFFER_BYTES', { SEND_BUFFER_BYTES: '4096', SEND_TIME_LIMIT_MS: '60000' }],
    ['once a write stays blocked past SEND_TIME_LIMIT_MS', { SEND_BUFFER_BYTES: String(64 * 1024 * 1024), SEND_TIME_LIMIT_MS: '200' }],
  ] as const;
  for (const [when, env] of cases) {
    it(`cuts off a stream that stops reading ${when}`, async () => {
      const t = await startHttpApp({ ...env });
      try {
        const client = await SseClient.open(`${t.url}/sse/rooms/slow`);
        await client.waitFor(() => client.retry !== undefined);
        client.response!.pause();
        client.response!.socket.pause();
        // Enough to fill both kernel socket buffers on loopback, then the server's own.
        const text = 'z'.repeat(3900);
        let cut = false;
        for (let i = 0; i < 4000 && !cut; i += 20) {
          await Promise.all(Array.from({ length: 20 }, () => postJson(`${t.url}/api/rooms/slow/messages`, { from: 's', text })));
          cut = /chat_slow_consumer_disconnects_total\{door="sse",protocol="sse"\} 1/.test((await request(`${t.url}/metrics`)).text);
        }
        assert.ok(cut, 'the slow stream was counted as cut off');
        assert.equal(t.app.get(SseHub).size, 0);
      } finally {
        await t.stop();
      }
    });
  }
});
