import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, type RunningServer } from '../support/server';
import { postJson, request, type WireMessage } from './http-client';
import { SseClient } from './sse-client';
import { WsClient } from './ws-client';

/**
 * One room, every door without STOMP, on the real server: messages sent over REST and over the plain
 * WebSocket reach SSE, long polling and plain WebSocket receivers with the same id everywhere, in id
 * order, each exactly once.
 */
describe('the same room through every door (real server)', () => {
  let server: RunningServer;
  before(async () => {
    server = await startServer({ RATE_LIMIT_PER_SEC: '0' });
  });
  after(async () => {
    assert.equal(await server.stop(), 0);
  });

  it('delivers every message to every receiver once, in id order, with one id', async () => {
    const room = 'matrix';
    const sse = await SseClient.open(`${server.url}/sse/rooms/${room}`);
    const wsReceiver = await WsClient.open(`${server.wsUrl}/ws/chat?room=${room}`);
    const wsSender = await WsClient.open(`${server.wsUrl}/ws/chat?room=${room}`);

    // A marker every live receiver has seen proves they are all subscribed.
    const marker = (await postJson(`${server.url}/api/rooms/${room}/messages`, { from: 'm', text: 'marker' })).json() as WireMessage;
    await sse.waitFor(() => sse.messages.some((m) => m.id === marker.id));
    for (const ws of [wsReceiver, wsSender]) {
      while (!ws.frames.some((f) => f.id === marker.id)) await ws.waitForFrames(ws.frames.length + 1);
    }

    const total = 20;
    const polled: WireMessage[] = [];
    const polling = (async () => {
      let afterId = marker.id;
      while (polled.length < total) {
        const res = await request(`${server.url}/api/rooms/${room}/poll?after=${afterId}&timeout=10`);
        assert.equal(res.status, 200);
        const batch = res.json() as WireMessage[];
        polled.push(...batch);
        if (batch.length > 0) afterId = batch[batch.length - 1].id;
      }
    })();

    // Both senders at once, so that the two doors race each other into one sequence.
    const restSent = Promise.all(
      Array.from({ length: total / 2 }, (_, i) =>
        postJson(`${server.url}/api/rooms/${room}/messages`, { from: 'rest', text: `rest ${i}` }).then((r) => r.json() as WireMessage),
      ),
    );
    for (let i = 0; i < total / 2; i++) wsSender.send({ from: 'ws', text: `ws ${i}` });
    const fromRest = await restSent;
    assert.equal(fromRest.length, total / 2);

    const after = <M extends { id: number }>(list: M[]): M[] => list.filter((m) => m.id > marker.id);
    await sse.waitFor(() => after(sse.messages).length >= total);
    await wsReceiver.waitForFrames(1 + total);
    await wsSender.waitForFrames(1 + total);
    await polling;

    const seenBySse = after(sse.messages);
    const seenByWs = after(wsReceiver.frames);
    const seenBySender = after(wsSender.frames);
    const ids = seenBySse.map((m) => m.id);
    assert.equal(new Set(ids).size, total, 'each message once');
    assert.deepEqual(ids, [...ids].sort((a, b) => a - b), 'id order');
    for (const m of fromRest) assert.ok(ids.includes(m.id), `REST message ${m.id} was delivered`);
    assert.equal(seenBySse.filter((m) => m.from === 'ws').length, total / 2);
    assert.deepEqual(seenByWs, seenBySse);
    assert.deepEqual(seenBySender, seenBySse);
    assert.deepEqual(polled, seenBySse);
    assert.deepEqual(sse.events.filter((e) => Number(e.id) > marker.id).map((e) => Number(e.id)), ids);

    const history = (await request(`${server.url}/api/rooms/${room}/messages?after=${marker.id}`)).json();
    assert.deepEqual(history, seenBySse);

    sse.close();
    wsReceiver.close();
    wsSender.close();
  });

  it('serves /health and /metrics', async () => {
    const health = await request(`${server.url}/health`);
    assert.equal(health.status, 200);
    const body = health.json() as { status: string; database: { status: string }; broker: { status: string } };
    assert.equal(body.status, 'ok');
    assert.equal(body.database.status, 'up');
    assert.equal(body.broker.status, 'up');
    const metrics = await request(`${server.url}/metrics`);
    assert.equal(metrics.status, 200);
    assert.match(String(metrics.headers['content-type']), /^text\/plain/);
    assert.match(metrics.text, /chat_messages_stored_total \d+/);
    assert.match(metrics.text, /chat_messages_in_total\{door="plain-ws",protocol="json"\} 10/);
    assert.match(metrics.text, /chat_messages_out_total\{door="sse",protocol="sse"\} \d+/);
    assert.match(metrics.text, /process_cpu_user_seconds_total/);
  });
});
