// #15 item 1: a program that talks STOMP to brokers on 61613 (stomp.py, Debian's python3-stomp) uses the
// chat over STOMP_TCP_PORT and, verifying our certificate, over STOMP_TLS_PORT.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { selfSigned, type SelfSigned } from '../support/self-signed';
import { startServer, type RunningServer } from '../support/server';
import { runScenario } from './python-stomp';

let tls: SelfSigned;
let server: RunningServer;

before(async () => {
  tls = selfSigned();
  server = await startServer({
    STOMP_TCP_PORT: '0',
    STOMP_TLS_PORT: '0',
    TLS_CERT_FILE: tls.certFile,
    TLS_KEY_FILE: tls.keyFile,
    HEARTBEAT_MS: '1000',
  });
});
after(async () => {
  assert.equal(await server.stop(), 0);
  rmSync(tls.dir, { recursive: true, force: true });
});

function checkScenario(out: Record<string, any>, room: string): void {
  assert.equal(out.connected.version, '1.2');
  assert.match(out.connected.server, /^stomp-chat\//);
  assert.equal(out.connected['heart-beat'], '1000,1000', 'the server proposes HEARTBEAT_MS both ways');
  assert.equal(out.receipt_m1['receipt-id'], 'm1');

  const first = out.first;
  assert.equal(first.room, room);
  assert.equal(first.from, 'ann', 'CONNECT login names the anonymous user');
  assert.equal(first.text, 'hello over stomp.py');
  assert.ok(Number.isInteger(first.id));
  assert.match(first.time, /^\d\d:\d\d$/);

  // A REST post reaches the TCP subscriber with the id REST answered.
  assert.equal(out.rest.from, 'carol');
  assert.deepEqual(out.live.map((m: any) => m.id), [first.id, out.rest.id]);

  // since-id: the REST message first (the one after first.id), then the live one, no gap or repeat.
  assert.deepEqual(out.resumed.map((m: any) => m.text), ['posted over REST', 'third']);
  assert.equal(out.resumed[0].id, out.rest.id);
  assert.ok(out.resumed[1].id > out.rest.id);

  for (const dm of [out.dm_bob, out.dm_ann]) {
    assert.equal(dm.text, 'psst');
    assert.equal(dm.from, 'ann');
  }
  assert.equal(out.bad_json.error, 'bad-json');
  assert.equal(out.bad_json.receiptId, 'bad');
  assert.ok(out.heartbeats >= 1, `server heart-beats seen: ${out.heartbeats}`);
  assert.equal(out.alive_after_heartbeats, true);
  assert.equal(out.ann_disconnected_cleanly, true);

  assert.equal(out.v11_connected.version, '1.1');
  assert.equal(out.v11_message.text, 'from v11');
  assert.equal(out.v10_connected.version, '1.0', 'a CONNECT without accept-version is a 1.0 session');
  assert.equal(out.v10_message.text, 'from v10');
  assert.equal(out.v10_message.from, 'old-v10');
}

async function stored(room: string): Promise<{ text: string }[]> {
  // The REST side agrees: what the scenario sent is stored, the bad JSON is not.
  const { request } = await import('node:https');
  return new Promise((resolve, reject) => {
    request(`${server.url}/api/rooms/${room}/messages`, { ca: tls.cert }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve(JSON.parse(body)));
    }).on('error', reject).end();
  });
}

describe('#15 stomp.py over STOMP_TCP_PORT and STOMP_TLS_PORT', () => {
  it('prints the TCP and TLS ports it bound before the HTTPS line', () => {
    assert.ok(server.tcpPort && server.tlsPort, server.output());
    assert.ok(server.url.startsWith('https://'), 'TLS_CERT_FILE and TLS_KEY_FILE make the HTTP port HTTPS');
  });

  for (const door of ['tcp', 'tls'] as const) {
    it(`over ${door.toUpperCase()}: receipts, live messages, REST crossing, since-id, DMs, errors, heart-beats, 1.0/1.1/1.2`, async () => {
      const room = `py-${door}-${Date.now()}`;
      const port = door === 'tcp' ? server.tcpPort! : server.tlsPort!;
      const out = await runScenario(['127.0.0.1', String(port), room, server.url, tls.certFile, door]);
      checkScenario(out, room);
      assert.deepEqual((await stored(room)).map((m) => m.text), ['hello over stomp.py', 'posted over REST', 'third', 'still here', 'from v11', 'from v10']);
    });
  }

  it('over TLS, a client that does not trust the certificate is refused by its own check', async () => {
    // Without the CA stomp.py would skip verification; give it an unrelated CA and it must refuse.
    const other = selfSigned();
    try {
      await assert.rejects(runScenario(['127.0.0.1', String(server.tlsPort), 'nope', server.url, other.certFile, 'tls'], 30_000), /CERTIFICATE_VERIFY_FAILED|ConnectFailedException/);
    } finally {
      rmSync(other.dir, { recursive: true, force: true });
    }
  });
});
