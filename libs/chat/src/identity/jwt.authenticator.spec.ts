// #10: the one authenticator behind every door: principal name, roles and expiry from the token; anonymous
// names only while no key is configured.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { AuthenticationError } from '@app/stomp-session';
import { JwtAuthenticator } from './jwt.authenticator';

const SECRET = 'unit-test-secret-0123456789';
const refusal = (message: RegExp) => (error: unknown) => error instanceof AuthenticationError && message.test(error.message);

describe('JwtAuthenticator', () => {
  it('without keys: anonymous, `login` names the user, any token is ignored', async () => {
    const auth = new JwtAuthenticator({});
    assert.equal(await auth.authenticate({}), undefined);
    assert.deepEqual(await auth.authenticate({ login: 'alice', token: 'whatever' }), { name: 'alice', roles: [] });
    await assert.rejects(auth.authenticate({ login: 'a\nb' }), refusal(/invalid login/));
    // Format characters make look-alikes of signed-in names (a zero-width space, a right-to-left override).
    for (const login of ['alice\u200b', '\u202eecila']) await assert.rejects(auth.authenticate({ login }), refusal(/invalid login/));
  });

  it('with a secret: sub, roles and exp become the principal; login is ignored', async () => {
    const auth = new JwtAuthenticator({ secret: SECRET });
    const exp = Math.floor(Date.now() / 1000) + 60;
    const token = jwt.sign({ sub: 'mod', roles: ['moderator', 'admin'], exp }, SECRET);
    assert.deepEqual(await auth.authenticate({ token, login: 'someone' }), { name: 'mod', roles: ['moderator', 'admin'], expiresAt: exp * 1000 });
    assert.deepEqual(await auth.authenticate({ token: jwt.sign({ sub: 'plain' }, SECRET) }), { name: 'plain', roles: [] });
  });

  it('refuses a missing token, a bad sub, bad roles, an expired token', async () => {
    const auth = new JwtAuthenticator({ secret: SECRET });
    await assert.rejects(auth.authenticate({ login: 'alice' }), refusal(/^missing token/));
    await assert.rejects(auth.authenticate({ token: jwt.sign({ roles: [] }, SECRET) }), refusal(/sub must name the user/));
    await assert.rejects(auth.authenticate({ token: jwt.sign({ sub: 'x'.repeat(65) }, SECRET) }), refusal(/sub must name the user/));
    await assert.rejects(auth.authenticate({ token: jwt.sign({ sub: 'a', roles: 'admin' }, SECRET) }), refusal(/roles must be an array of strings/));
    await assert.rejects(auth.authenticate({ token: jwt.sign({ sub: 'a', roles: [1] }, SECRET) }), refusal(/roles must be an array of strings/));
    await assert.rejects(auth.authenticate({ token: jwt.sign({ sub: 'a', exp: 1 }, SECRET) }), refusal(/^token expired$/));
    await assert.rejects(auth.authenticate({ token: 'garbage' }), refusal(/^invalid token$/));
  });

  it('with a secret and a public key: each verifies only its own algorithm', async () => {
    const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const auth = new JwtAuthenticator({ secret: SECRET, publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString() });
    assert.equal((await auth.authenticate({ token: jwt.sign({ sub: 'h' }, SECRET) }))?.name, 'h');
    assert.equal((await auth.authenticate({ token: jwt.sign({ sub: 'e' }, privateKey, { algorithm: 'ES256' }) }))?.name, 'e');
    // An algorithm no configured key is pinned to is refused, even when its signature is right.
    await assert.rejects(auth.authenticate({ token: jwt.sign({ sub: 'x' }, SECRET, { algorithm: 'HS384' }) }), refusal(/^invalid token$/));
  });

  it('refuses a public key of a type it cannot pin an algorithm to', () => {
    const { publicKey } = generateKeyPairSync('ed25519');
    assert.throws(() => new JwtAuthenticator({ publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString() }), /RSA or P-256/);
  });
});
