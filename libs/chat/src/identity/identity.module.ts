import { readFileSync } from 'node:fs';
import { Global, Module } from '@nestjs/common';
import { AppConfig } from '@app/config';
import { AUTHENTICATOR } from '@app/stomp-session';
import { JwtAuthenticator, type JwtKeys } from './jwt.authenticator';

/** The keys AppConfig names; the PEM file is read once, at start, so a bad path stops the server then. */
export function jwtKeysFrom(config: AppConfig): JwtKeys {
  let publicKeyPem: string | undefined;
  if (config.AUTH_PUBLIC_KEY) {
    try {
      publicKeyPem = readFileSync(config.AUTH_PUBLIC_KEY, 'utf8');
    } catch (error) {
      throw new Error(`AUTH_PUBLIC_KEY=${config.AUTH_PUBLIC_KEY}: cannot read the key file (${(error as Error).message})`);
    }
  }
  return { secret: config.AUTH_TOKEN_SECRET, publicKeyPem, jwksUrl: config.AUTH_JWKS_URL };
}

/** AUTHENTICATOR for every door (STOMP sessions, the HTTP doors, the plain WebSocket), from AppConfig. */
@Global()
@Module({
  providers: [
    { provide: JwtAuthenticator, inject: [AppConfig], useFactory: (config: AppConfig) => new JwtAuthenticator(jwtKeysFrom(config)) },
    { provide: AUTHENTICATOR, useExisting: JwtAuthenticator },
  ],
  exports: [AUTHENTICATOR, JwtAuthenticator],
})
export class IdentityModule {}
