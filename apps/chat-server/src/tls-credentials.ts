import { readFileSync } from 'node:fs';
import { createSecureContext } from 'node:tls';
import { ConfigError, hasTlsFiles, type AppConfig } from '@app/config';

export interface TlsCredentials {
  cert: Buffer;
  key: Buffer;
}

const read = new WeakMap<AppConfig, TlsCredentials>();

/**
 * TLS_CERT_FILE and TLS_KEY_FILE, read once per configuration for both users (the HTTPS server and the
 * STOMP TLS door), and checked to be a certificate with its own key, so a bad pair stops the start with
 * a message naming the variables rather than failing the first handshake. Undefined when they are unset.
 */
export function tlsCredentials(config: AppConfig): TlsCredentials | undefined {
  if (!hasTlsFiles(config)) return undefined;
  let credentials = read.get(config);
  if (credentials) return credentials;
  credentials = { cert: readPem('TLS_CERT_FILE', config.TLS_CERT_FILE!), key: readPem('TLS_KEY_FILE', config.TLS_KEY_FILE!) };
  try {
    createSecureContext(credentials);
  } catch (error) {
    throw new ConfigError(`invalid configuration:\n  TLS_CERT_FILE/TLS_KEY_FILE: not a certificate and its private key (${(error as Error).message})`);
  }
  read.set(config, credentials);
  return credentials;
}

function readPem(name: string, path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    throw new ConfigError(`invalid configuration:\n  ${name}=${JSON.stringify(path)}: cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
}
