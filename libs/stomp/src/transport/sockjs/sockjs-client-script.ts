import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * This server's own copy of sockjs-client, for the iframe page (`/chat/iframe.html`) that the iframe
 * transports load: sockjs' default points at a CDN, which is unreachable where the server runs and
 * would mean running third-party script in the server's origin. The iframe's client must be the
 * same version as the page's, so pages should load this URL too.
 */
export class SockJsClientScript {
  readonly version: string;
  private readonly body: Buffer | undefined;
  private readonly etag: string | undefined;

  constructor(file?: string) {
    let body: Buffer | undefined;
    let version = 'unknown';
    try {
      body = readFileSync(file ?? require.resolve('sockjs-client/dist/sockjs.min.js'));
      version = (require('sockjs-client/package.json') as { version: string }).version;
    } catch {
      body = undefined;
    }
    this.body = body;
    this.version = version;
    this.etag = body && `"${createHash('sha1').update(body).digest('base64url')}"`;
  }

  get available(): boolean {
    return this.body !== undefined;
  }

  serve(req: IncomingMessage, res: ServerResponse): void {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD' });
      res.end();
      return;
    }
    if (!this.body || !this.etag) {
      res.writeHead(404, { 'Content-Type': 'text/plain; charset=UTF-8' });
      res.end('sockjs-client is not installed on this server\n');
      return;
    }
    const headers = {
      'Content-Type': 'application/javascript; charset=UTF-8',
      // The URL carries the version (?v=), so a long cache is safe.
      'Cache-Control': 'public, max-age=31536000',
      ETag: this.etag,
    };
    if (req.headers['if-none-match'] === this.etag) {
      res.writeHead(304, headers);
      res.end();
      return;
    }
    res.writeHead(200, { ...headers, 'Content-Length': this.body.length });
    res.end(req.method === 'HEAD' ? undefined : this.body);
  }
}
