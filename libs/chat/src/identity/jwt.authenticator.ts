import { createPublicKey, type KeyObject } from 'node:crypto';
import { Logger } from '@nestjs/common';
import { createRemoteJWKSet, decodeProtectedHeader, errors, jwtVerify, type JWTPayload } from 'jose';
import { AuthenticationError, LoginAuthenticator, type Authenticator, type Credentials, type Principal } from '@app/stomp-session';

/** Where tokens' keys come from; any combination may be set, none means anonymous sessions. */
export interface JwtKeys {
  /** HS256 shared secret. */
  secret?: string;
  /** A PEM public key or certificate: RS256 for an RSA key, ES256 for a P-256 key. */
  publicKeyPem?: string;
  /** A JWK set URL (RS256/ES256 keys, fetched when a token names an unknown one, cached). */
  jwksUrl?: string;
}

/** One source of keys with the only algorithms it may verify: a token cannot pick another (no alg confusion). */
interface Verifier {
  readonly algorithms: readonly string[];
  verify(token: string): Promise<JWTPayload>;
}

const NAME = /^[^\u0000-\u001f\u007f]{1,64}$/u;

/**
 * The one Authenticator of the server. Without keys, sessions are anonymous and a STOMP `login` names the
 * user. With keys, every door requires a JWT signed by one of them: its `sub` is the user, its `roles`
 * the principal's roles, its `exp` when the session ends.
 */
export class JwtAuthenticator implements Authenticator {
  private readonly logger = new Logger('JwtAuthenticator');
  private readonly verifiers: readonly Verifier[];
  private readonly anonymous = new LoginAuthenticator();

  constructor(keys: JwtKeys) {
    const verifiers: Verifier[] = [];
    if (keys.secret) {
      const secret = new TextEncoder().encode(keys.secret);
      verifiers.push(verifier(['HS256'], (token, algorithms) => jwtVerify(token, secret, { algorithms })));
    }
    if (keys.publicKeyPem) {
      const key = createPublicKey(keys.publicKeyPem);
      verifiers.push(verifier([algorithmOf(key)], (token, algorithms) => jwtVerify(token, key, { algorithms })));
    }
    if (keys.jwksUrl) {
      const jwks = createRemoteJWKSet(new URL(keys.jwksUrl));
      verifiers.push(verifier(['RS256', 'ES256'], (token, algorithms) => jwtVerify(token, jwks, { algorithms })));
    }
    this.verifiers = verifiers;
  }

  /** True when a token is needed on every door. */
  get tokensRequired(): boolean {
    return this.verifiers.length > 0;
  }

  async authenticate(credentials: Credentials): Promise<Principal | undefined> {
    if (!this.tokensRequired) return this.anonymous.authenticate(credentials);
    if (!credentials.token) throw new AuthenticationError('missing token: send a JWT whose sub names the user');
    return principalOf(await this.verify(credentials.token));
  }

  private async verify(token: string): Promise<JWTPayload> {
    let alg: unknown;
    try {
      alg = decodeProtectedHeader(token).alg;
    } catch {
      throw new AuthenticationError('invalid token');
    }
    const candidates = this.verifiers.filter((v) => typeof alg === 'string' && v.algorithms.includes(alg));
    let refusal = new AuthenticationError('invalid token');
    for (const candidate of candidates) {
      try {
        return await candidate.verify(token);
      } catch (error) {
        if (error instanceof errors.JWTExpired) refusal = new AuthenticationError('token expired');
        else if (!(error instanceof errors.JOSEError)) {
          // Not the token's fault (the key set could not be fetched): logged, and the token is not trusted.
          this.logger.warn(`verifying a token failed: ${error instanceof Error ? error.message : String(error)}`);
        }
      }
    }
    throw refusal;
  }
}

function verifier(algorithms: string[], verify: (token: string, algorithms: string[]) => Promise<{ payload: JWTPayload }>): Verifier {
  return { algorithms, verify: async (token) => (await verify(token, algorithms)).payload };
}

/** The one algorithm a public key may verify, by its type. */
function algorithmOf(key: KeyObject): string {
  if (key.asymmetricKeyType === 'rsa') return 'RS256';
  if (key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1') return 'ES256';
  throw new Error(`AUTH_PUBLIC_KEY must be an RSA or P-256 EC public key (got ${key.asymmetricKeyType ?? 'unknown'})`);
}

function principalOf(claims: JWTPayload): Principal {
  const { sub, roles, exp } = claims;
  if (typeof sub !== 'string' || !NAME.test(sub)) throw new AuthenticationError('invalid token: sub must name the user');
  if (roles !== undefined && !(Array.isArray(roles) && roles.every((r) => typeof r === 'string'))) {
    throw new AuthenticationError('invalid token: roles must be an array of strings');
  }
  return { name: sub, roles: [...((roles as string[] | undefined) ?? [])], ...(typeof exp === 'number' && { expiresAt: exp * 1000 }) };
}
