import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { startHttpApp, type HttpTestApp } from './http-test-app';
import { postJson, request, type WireMessage } from './http-client';

describe('REST: /api/rooms', () => {
  let t: HttpTestApp;
  before(async () => {
    t = await startHttpApp({ MAX_FRAME_BYTES: '8192' });
  });
  after(() => t.stop());

  const messagesUrl = (room: string, query = '') => `${t.url}/api/rooms/${room}/messages${query}`;

  it('stores a post and answers 201 with the stored message', async () => {
    const res = await postJson(messagesUrl('rest-a'), { from: ' ann ', text: ' hello ' });
    assert.equal(res.status, 201);
    const m = res.json() as WireMessage;
    assert.equal(typeof m.id, 'number');
    assert.deepEqual({ room: m.room, from: m.from, text: m.text }, { room: 'rest-a', from: 'ann', text: 'hello' });
    assert.match(m.time, /^\d\d:\d\d$/);
    assert.ok(!Number.isNaN(Date.parse(m.sentAt)));
    const list = (await request(messagesUrl('rest-a'))).json() as WireMessage[];
    assert.deepEqual(list, [m]);
  });

  it('pages history with after, before and limit, oldest first', async () => {
    const ids: number[] = [];
    for (let i = 0; i < 5; i++) ids.push(((await postJson(messagesUrl('rest-b'), { from: 'b', text: `m${i}` })).json() as WireMessage).id);
    const get = async (q: string) => ((await request(messagesUrl('rest-b', q))).json() as WireMessage[]).map((m) => m.id);
    assert.deepEqual(await get(''), ids);
    assert.deepEqual(await get('?limit=2'), ids.slice(3));
    assert.deepEqual(await get(`?after=${ids[1]}&limit=2`), ids.slice(2, 4));
    assert.deepEqual(await get(`?before=${ids[3]}&limit=2`), ids.slice(1, 3));
    assert.deepEqual(await get(''), ids);
    assert.deepEqual((await request(messagesUrl('nobody-here'))).json(), []);
  });

  it('lists rooms with their counts', async () => {
    await postJson(messagesUrl('rest-c'), { from: 'c', text: 'one' });
    await postJson(messagesUrl('rest-c'), { from: 'c', text: 'two' });
    const rooms = (await request(`${t.url}/api/rooms`)).json() as Array<{ room: string; messages: number; lastMessageAt: string }>;
    const c = rooms.find((r) => r.room === 'rest-c');
    assert.equal(c?.messages, 2);
    assert.ok(!Number.isNaN(Date.parse(c!.lastMessageAt)));
  });

  it('makes a retry with the same client-message-id safe', async () => {
    const first = (await postJson(messagesUrl('rest-d'), { from: 'd', text: 'once' }, { 'client-message-id': 'k1' })).json() as WireMessage;
    const retry = await postJson(messagesUrl('rest-d'), { from: 'd', text: 'once' }, { 'client-message-id': 'k1' });
    assert.equal(retry.status, 201);
    assert.equal((retry.json() as WireMessage).id, first.id);
    assert.equal(((await request(messagesUrl('rest-d'))).json() as unknown[]).length, 1);
  });

  describe('bad input gets {error, message} and stores nothing', () => {
    const json = { 'content-type': 'application/json' };
    const cases: Array<[string, string, () => Promise<{ status: number; json(): unknown }>, number, string]> = [
      ['empty text', 'bad-1', () => postJson(messagesUrl('bad-1'), { from: 'x', text: '   ' }), 400, 'invalid-text'],
      ['missing from', 'bad-2', () => postJson(messagesUrl('bad-2'), { text: 'hi' }), 400, 'invalid-from'],
      ['text over 4000', 'bad-3', () => postJson(messagesUrl('bad-3'), { from: 'x', text: 'y'.repeat(4001) }), 400, 'invalid-text'],
      ['not JSON', 'bad-4', () => request(messagesUrl('bad-4'), { method: 'POST', headers: json, body: '{"from":' }), 400, 'bad-json'],
      ['empty body', 'bad-5', () => request(messagesUrl('bad-5'), { method: 'POST', headers: json, body: '' }), 400, 'bad-json'],
      ['a JSON array', 'bad-6', () => request(messagesUrl('bad-6'), { method: 'POST', headers: json, body: '[1]' }), 400, 'bad-json'],
      ['text/plain', 'bad-7', () => request(messagesUrl('bad-7'), { method: 'POST', headers: { 'content-type': 'text/plain' }, body: '{"from":"x","text":"y"}' }), 415, 'unsupported-media-type'],
      ['no content type', 'bad-8', () => request(messagesUrl('bad-8'), { method: 'POST', body: '{"from":"x","text":"y"}' }), 415, 'unsupported-media-type'],
      ['oversized', 'bad-9', () => postJson(messagesUrl('bad-9'), { from: 'x', text: 'y'.repeat(9000) }), 413, 'body-too-large'],
      ['oversized chunked', 'bad-10', () => request(messagesUrl('bad-10'), { method: 'POST', headers: json, chunked: true, body: JSON.stringify({ from: 'x', text: 'y'.repeat(9000) }) }), 413, 'body-too-large'],
      ['not UTF-8', 'bad-11', () => request(messagesUrl('bad-11'), { method: 'POST', headers: json, body: Buffer.from([0x7b, 0xff, 0x7d]) }), 400, 'bad-json'],
    ];
    for (const [name, room, send, status, code] of cases) {
      it(`${name} → ${status} ${code}`, async () => {
        const res = await send();
        assert.equal(res.status, status);
        const body = res.json() as { error: string; message: string };
        assert.equal(body.error, code);
        assert.equal(typeof body.message, 'string');
        assert.ok(body.message.length > 0);
        assert.deepEqual((await request(messagesUrl(room))).json(), []);
      });
    }

    it('a bad room name → 400 invalid-room on read and write', async () => {
      for (const res of [
        await postJson(messagesUrl('no%20spaces'), { from: 'x', text: 'y' }),
        await request(messagesUrl('no%20spaces')),
        await request(messagesUrl('x'.repeat(65))),
      ]) {
        assert.equal(res.status, 400);
        assert.equal((res.json() as { error: string }).error, 'invalid-room');
      }
    });

    it('bad query numbers → 400 invalid-query', async () => {
      for (const q of ['?after=abc', '?before=-1', '?limit=0', '?limit=1.5', '?after=1&after=2']) {
        const res = await request(messagesUrl('lobby', q));
        assert.equal(res.status, 400, q);
        assert.equal((res.json() as { error: string }).error, 'invalid-query', q);
      }
    });

    it('answers 413 without reading a large declared body', async () => {
      // The server must answer before the client has sent the body at all.
      const status = await new Promise<number>((resolve, reject) => {
        const req = httpRequest(messagesUrl('bad-12'), {
          method: 'POST',
          agent: false,
          headers: { 'content-type': 'application/json', 'content-length': 10 * 1024 * 1024 },
        });
        req.on('response', (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
          req.destroy();
        });
        req.on('error', reject);
        req.flushHeaders();
      });
      assert.equal(status, 413);
      assert.deepEqual((await request(messagesUrl('bad-12'))).json(), []);
    });
  });
});
