import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface SelfSigned {
  dir: string;
  certFile: string;
  keyFile: string;
  /** The certificate itself, for clients to trust (it is its own CA). */
  cert: Buffer;
}

/**
 * A fresh self-signed certificate for localhost and 127.0.0.1 (P-256, one day), made with the openssl
 * CLI as an operator would, so clients can verify the server rather than skip verification.
 */
export function selfSigned(): SelfSigned {
  const dir = mkdtempSync(join(tmpdir(), 'chat-tls-'));
  const certFile = join(dir, 'cert.pem');
  const keyFile = join(dir, 'key.pem');
  execFileSync('openssl', [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
    '-keyout', keyFile, '-out', certFile, '-days', '1', '-subj', '/CN=localhost',
    '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1',
  ], { stdio: 'ignore' });
  return { dir, certFile, keyFile, cert: readFileSync(certFile) };
}
