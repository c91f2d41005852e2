// #15 item 3: with TLS_CERT_FILE and TLS_KEY_FILE the app's own port serves HTTPS, and so wss:// and
// SockJS, for a single node without a proxy; a bad pair of files stops the start with a message naming them.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { postJson, request, type WireMessage } from '../http/http-client';
import { RawStomp, frameText as f } from '../support/raw-stomp';
import { selfSigned, type SelfSigned } from '../support/self-signed';
import { startServer, type RunningServer } from '../support/server';

let tls: SelfSigned;
let server: RunningServer;

before(async () => {
  tls = selfSigned();
  server = await startServer({ TLS_CERT_FILE: tls.certFile, TLS_KEY_FILE: tls.keyFile, RATE_LIMIT_PER_SEC: '0' });
});
after(async () => {
  assert.equal(await server.stop(), 0);
  rmSync(tls.dir, { recursive: true, force: true });
});

describe('#15 HTTPS on the app port (TLS_CERT_FILE, TLS_KEY_FILE)', () => {
  it('says https in its listening line and serves the page over TLS, verified against the certificate', async () => {
    assert.match(server.output(), /listening on https:\/\/127\.0\.0\.1:\d+/);
    const page = await request(`${server.url}/`, { ca: tls.cert });
    assert.equal(page.status, 200);
    assert.match(String(page.headers['content-type']), /text\/html/);
    assert.match(page.text, /<select id="transport"/);
    assert.match(String(page.headers['content-security-policy']), /connect-src 'self'/);
  });

  it('does not answer plain HTTP on the same port', async () => {
    await assert.rejects(request(server.url.replace('https:', 'http:') + '/api/rooms'));
  });

  it('REST, STOMP over wss:// and SockJS over https:// are one chat with one id sequence', async () => {
    const room = `https${Date.now()}`;
    const stomp = await RawStomp.open(`${server.wsUrl}/chat`, ['v12.stomp'], {}, { ca: tls.cert });
    await stomp.connect({ login: 'wss-user', 'heart-beat': '0,0' });
    stomp.send(f('SUBSCRIBE', { id: 's', destination: `/topic/rooms/${room}`, receipt: 'sub' }));
    await stomp.next((x) => x.command === 'RECEIPT');

    const posted = await postJson(`${server.url}/api/rooms/${room}/messages`, { from: 'rest-user', text: 'over https' }, {}, tls.cert);
    assert.equal(posted.status, 201);
    const live = await stomp.next((x) => x.command === 'MESSAGE');
    assert.deepEqual(JSON.parse(live.body.toString()), posted.json());

    stomp.send(f('SEND', { destination: `/app/rooms/${room}`, receipt: 'sent' }, JSON.stringify({ text: 'over wss' })));
    await stomp.next((x) => x.command === 'RECEIPT' && x.headers.get('receipt-id') === 'sent');

    // SockJS xhr-polling over HTTPS: open, CONNECT, read CONNECTED.
    const session = `${server.url}/chat/123/${Date.now().toString(36)}`;
    const opened = await request(`${session}/xhr`, { method: 'POST', ca: tls.cert });
    assert.equal(opened.text, 'o\n');
    const connect = JSON.stringify([f('CONNECT', { 'accept-version': '1.2', host: 'x', 'heart-beat': '0,0' })]);
    assert.equal((await request(`${session}/xhr_send`, { method: 'POST', body: connect, ca: tls.cert, headers: { 'content-type': 'text/plain' } })).status, 204);
    const answer = await request(`${session}/xhr`, { method: 'POST', ca: tls.cert });
    assert.match(answer.text, /^a\["CONNECTED\\n/);

    const stored = (await request(`${server.url}/api/rooms/${room}/messages`, { ca: tls.cert })).json() as WireMessage[];
    assert.deepEqual(stored.map((m) => [m.from, m.text]), [['rest-user', 'over https'], ['wss-user', 'over wss']]);
    assert.equal(stored[0]!.id, (posted.json() as WireMessage).id);
    stomp.close();
  });
});

describe('#15 TLS files that do not work stop the start with a message naming them', () => {
  it('one file without the other, a file that cannot be read, a key that is not the certificate\'s', async () => {
    const other = selfSigned();
    const junk = join(tls.dir, 'junk.pem');
    writeFileSync(junk, 'not a pem\n');
    try {
      const cases: [Record<string, string>, RegExp][] = [
        [{ TLS_CERT_FILE: tls.certFile }, /TLS_CERT_FILE.*TLS_KEY_FILE go together/],
        [{ TLS_CERT_FILE: tls.certFile, TLS_KEY_FILE: join(tls.dir, 'missing.pem') }, /TLS_KEY_FILE=".*missing\.pem": cannot be read \(ENOENT\)/],
        [{ TLS_CERT_FILE: tls.certFile, TLS_KEY_FILE: other.keyFile }, /TLS_CERT_FILE\/TLS_KEY_FILE: not a certificate and its private key/],
        [{ TLS_CERT_FILE: junk, TLS_KEY_FILE: tls.keyFile }, /TLS_CERT_FILE\/TLS_KEY_FILE: not a certificate/],
        [{ STOMP_TLS_PORT: '0' }, /STOMP_TLS_PORT needs TLS_CERT_FILE and TLS_KEY_FILE/],
      ];
      for (const [env, said] of cases) {
        await assert.rejects(startServer(env, 30_000), (error: Error) => {
          assert.match(error.message, /server exited with 1 before listening/);
          assert.match(error.message, said);
          return true;
        }, JSON.stringify(env));
      }
    } finally {
      rmSync(other.dir, { recursive: true, force: true });
    }
  });
});
