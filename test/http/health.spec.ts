import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { DataSource } from 'typeorm';
import type { ServerResponse } from 'node:http';
import type { ChatRepository } from '@app/chat';
import type { BrokerPort } from '@app/messaging';
import { HealthController } from '@app/observability';
import { DATA_SOURCE } from '@app/persistence';
import { startHttpApp } from './http-test-app';
import { request } from './http-client';

describe('/health', () => {
  it('is ok with the database and the broker up, and 503 "down" when the database is gone', async () => {
    const t = await startHttpApp();
    try {
      const ok = await request(`${t.url}/health`);
      assert.equal(ok.status, 200);
      assert.equal((await request(`${t.url}/health/ready`)).status, 200);
      assert.equal((await request(`${t.url}/health/live`)).status, 200);
      const up = ok.json() as { status: string; database: { status: string }; broker: { status: string } };
      assert.deepEqual([up.status, up.database.status, up.broker.status], ['ok', 'up', 'up']);
      await t.app.get<DataSource>(DATA_SOURCE).destroy();
      const down = await request(`${t.url}/health`);
      assert.equal(down.status, 503);
      const body = down.json() as { status: string; database: { status: string; detail?: string }; broker: { status: string } };
      assert.equal(body.status, 'down');
      assert.equal(body.database.status, 'down');
      assert.equal(typeof body.database.detail, 'string');
      assert.doesNotMatch(down.text, /\n\s+at /, 'no stack trace');
      assert.equal(body.broker.status, 'up');
      // #12: ready says the node cannot serve; live says the process still does (no restart wanted).
      const ready = await request(`${t.url}/health/ready`);
      assert.equal(ready.status, 503);
      assert.equal((ready.json() as { database: { status: string } }).database.status, 'down');
      const live = await request(`${t.url}/health/live`);
      assert.equal(live.status, 200);
      assert.deepEqual(live.json(), { status: 'ok' });
    } finally {
      await t.stop();
    }
  });
});

describe('HealthController', () => {
  it('is 503 "down" when the broker is down, and when the database does not answer', async () => {
    const res = { statusCode: 0, setHeader: () => res } as unknown as ServerResponse;
    const repository = { ping: async () => undefined } as unknown as ChatRepository;
    const brokerDown = { health: () => ({ up: false, detail: 'relay disconnected' }) } as unknown as BrokerPort;
    const report = await new HealthController(repository, brokerDown).health(res);
    assert.equal(res.statusCode, 503);
    assert.deepEqual(report.broker, { status: 'down', detail: 'relay disconnected' });
    assert.equal(report.status, 'down');

    const brokerUp = { health: () => ({ up: true }) } as unknown as BrokerPort;
    const throwing = { ping: async () => { throw new Error('SQLITE_CANTOPEN\n    at stack'); } } as unknown as ChatRepository;
    const report2 = await new HealthController(throwing, brokerUp).health(res);
    assert.equal(res.statusCode, 503);
    assert.deepEqual(report2.database, { status: 'down', detail: 'SQLITE_CANTOPEN' });
  });
});

describe('/metrics', () => {
  it('counts connections by transport and messages stored', async () => {
    const t = await startHttpApp();
    try {
      await request(`${t.url}/api/rooms/mx/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"from":"a","text":"b"}',
      });
      const text = (await request(`${t.url}/metrics`)).text;
      assert.match(text, /# TYPE chat_connections gauge/);
      assert.match(text, /chat_messages_in_total\{door="rest",protocol="http"\} 1/);
      assert.match(text, /chat_messages_stored_total 1/);
      // The one post was one batch: its commit and publish times are in the store histograms.
      assert.match(text, /chat_store_commit_seconds_count 1/);
      assert.match(text, /chat_store_publish_seconds_count 1/);
      assert.match(text, /chat_store_batch_messages_bucket\{le="1"\} 1/);
      assert.match(text, /# TYPE chat_slow_consumer_disconnects_total counter/);
      assert.match(text, /nodejs_heap_size_used_bytes/);
    } finally {
      await t.stop();
    }
  });
});
