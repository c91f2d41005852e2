import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';

export interface HttpAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
  json(): unknown;
}

export interface RequestOptions {
  method?: string;
  headers?: Record<string, string | number>;
  body?: string | Buffer;
  /** Sends the body with chunked encoding instead of a Content-Length. */
  chunked?: boolean;
  /** For https:// URLs: the certificate to trust (a self-signed server's own). */
  ca?: Buffer;
  /** Source address (127.0.0.x), to be another client for per-address limits. */
  localAddress?: string;
}

/** A plain node:http(s) request (so any header, Origin included, goes out exactly as given). */
export function request(url: string, options: RequestOptions = {}): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | number> = { ...options.headers };
    if (options.body !== undefined && !options.chunked) headers['content-length'] = Buffer.byteLength(options.body);
    const send = url.startsWith('https:') ? httpsRequest : httpRequest;
    const req = send(url, { method: options.method ?? 'GET', headers, agent: false, ca: options.ca, localAddress: options.localAddress }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json: () => JSON.parse(text) });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    if (options.body !== undefined) req.write(options.body);
    req.end();
  });
}

export function postJson(url: string, body: unknown, headers: Record<string, string> = {}, ca?: Buffer): Promise<HttpAnswer> {
  return request(url, {
    method: 'POST',
    ca,
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
}

/** A stored message as every door shows it. */
export interface WireMessage {
  id: number;
  room: string;
  from: string;
  text: string;
  sentAt: string;
  time: string;
}
