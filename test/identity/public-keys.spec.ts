// #10 (item 3): RS256 and ES256 tokens beside HS256: a PEM public key (AUTH_PUBLIC_KEY) or a JWK set
// fetched and cached (AUTH_JWKS_URL). Algorithms are pinned per key type: no alg confusion, no alg=none.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import jwt from 'jsonwebtoken';
import { request } from '../http/http-client';
import { RawStomp } from '../support/raw-stomp';
import { startServer, type RunningServer } from '../support/server';
import { bearer, signToken } from '../support/tokens';

const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const stranger = generateKeyPairSync('rsa', { modulusLength: 2048 });
const dir = mkdtempSync(join(tmpdir(), 'identity-keys-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function pemFile(name: string, key: KeyObject): string {
  const path = join(dir, name);
  writeFileSync(path, key.export({ type: 'spki', format: 'pem' }));
  return path;
}

/** The user-name of CONNECTED, or the ERROR's message prefixed with `ERROR: `. */
async function stompAs(server: RunningServer, token: string): Promise<string> {
  const c = await RawStomp.open(`${server.wsUrl}/chat`);
  try {
    return (await c.connect({ passcode: token })).headers.get('user-name') ?? '';
  } catch (error) {
    return (error as Error).message;
  } finally {
    c.close();
  }
}

const restStatus = async (server: RunningServer, token: string) => (await request(`${server.url}/api/rooms`, { headers: bearer(token) })).status;

describe('AUTH_PUBLIC_KEY with an RSA key (#10)', () => {
  let server: RunningServer;
  before(async () => { server = await startServer({ AUTH_PUBLIC_KEY: pemFile('rsa.pem', rsa.publicKey) }); });
  after(async () => void (await server.stop()));

  it('accepts RS256 tokens signed by the key on STOMP and HTTP', async () => {
    const token = signToken('alice', rsa.privateKey, { algorithm: 'RS256' });
    assert.equal(await stompAs(server, token), 'alice');
    assert.equal(await restStatus(server, token), 200);
  });

  it('refuses another key, an HS256 token "signed" with the public key, alg=none and ES256', async () => {
    const publicPem = rsa.publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const confused = hmacWithKeyText(publicPem);
    const none = jwt.sign({ sub: 'alice' }, '', { algorithm: 'none' });
    for (const token of [signToken('alice', stranger.privateKey, { algorithm: 'RS256' }), confused, none, signToken('alice', ec.privateKey, { algorithm: 'ES256' })]) {
      assert.match(await stompAs(server, token), /^ERROR: invalid token/);
      assert.equal(await restStatus(server, token), 401);
    }
  });
});

describe('AUTH_PUBLIC_KEY with a P-256 key (#10)', () => {
  let server: RunningServer;
  before(async () => { server = await startServer({ AUTH_PUBLIC_KEY: pemFile('ec.pem', ec.publicKey) }); });
  after(async () => void (await server.stop()));

  it('accepts ES256 tokens signed by the key and refuses RS256 ones', async () => {
    const token = signToken('erin', ec.privateKey, { algorithm: 'ES256' });
    assert.equal(await stompAs(server, token), 'erin');
    assert.equal(await restStatus(server, token), 200);
    assert.match(await stompAs(server, signToken('erin', rsa.privateKey, { algorithm: 'RS256' })), /^ERROR: invalid token/);
  });
});

describe('AUTH_JWKS_URL (#10)', () => {
  let jwks: Server;
  let fetches = 0;
  let server: RunningServer;
  before(async () => {
    const keys = [
      { ...rsa.publicKey.export({ format: 'jwk' }), kid: 'rsa-1', alg: 'RS256', use: 'sig' },
      { ...ec.publicKey.export({ format: 'jwk' }), kid: 'ec-1', alg: 'ES256', use: 'sig' },
    ];
    jwks = createServer((_req, res) => {
      fetches++;
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys }));
    });
    await new Promise<void>((resolve) => jwks.listen(0, '127.0.0.1', resolve));
    const { port } = jwks.address() as AddressInfo;
    server = await startServer({ AUTH_JWKS_URL: `http://127.0.0.1:${port}/.well-known/jwks.json` });
  });
  after(async () => {
    await server.stop();
    jwks.close();
  });

  it('verifies RS256 and ES256 tokens with the set\'s keys, fetching the set once', async () => {
    assert.equal(await stompAs(server, signToken('alice', rsa.privateKey, { algorithm: 'RS256', keyid: 'rsa-1' })), 'alice');
    assert.equal(await stompAs(server, signToken('erin', ec.privateKey, { algorithm: 'ES256', keyid: 'ec-1' })), 'erin');
    assert.equal(await restStatus(server, signToken('alice', rsa.privateKey, { algorithm: 'RS256', keyid: 'rsa-1' })), 200);
    assert.equal(fetches, 1, 'the key set is cached');
  });

  it('refuses a token signed by a key that is not in the set, and HS256 with a key\'s text', async () => {
    assert.match(await stompAs(server, signToken('mallory', stranger.privateKey, { algorithm: 'RS256', keyid: 'rsa-1' })), /^ERROR: invalid token/);
    assert.match(await stompAs(server, hmacWithKeyText(JSON.stringify(rsa.publicKey.export({ format: 'jwk' })))), /^ERROR: invalid token/);
    assert.equal(await restStatus(server, signToken('mallory', stranger.privateKey, { algorithm: 'RS256' })), 401);
  });
});

/** The classic alg-confusion forgery: HS256 whose "secret" is the verifier's public key text. */
function hmacWithKeyText(keyText: string): string {
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const signingInput = `${part({ alg: 'HS256', typ: 'JWT' })}.${part({ sub: 'alice', exp: Math.floor(Date.now() / 1000) + 300 })}`;
  return `${signingInput}.${createHmac('sha256', keyText).update(signingInput).digest('base64url')}`;
}
