import { AuthenticationError, type Authenticator, type Credentials, type Principal } from './authenticator.port';

/** 1 to 64 characters; no control or format characters (zero-width, bidi overrides), which forge look-alikes. */
const LOGIN = /^[^\p{Cc}\p{Cf}]{1,64}$/u;

/**
 * Identity without an identity provider, as in Spring's samples: the CONNECT `login` names the user,
 * anonymous without one; tokens are not looked at. The default when an app provides no AUTHENTICATOR.
 */
export class LoginAuthenticator implements Authenticator {
  async authenticate(credentials: Credentials): Promise<Principal | undefined> {
    const { login } = credentials;
    if (login === undefined || login === '') return undefined;
    if (!LOGIN.test(login)) throw new AuthenticationError('invalid login: 1 to 64 characters, no control characters');
    return { name: login, roles: [] };
  }
}
