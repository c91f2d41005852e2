import { existsSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { join } from 'node:path';
import type { NestExpressApplication } from '@nestjs/platform-express';

/**
 * What the chat page may load: its own scripts, styles and connections (same-origin WebSocket, SSE,
 * XHR), same-origin frames (SockJS's iframe transports) and nothing else; and who may frame it: only
 * ourselves (clickjacking). No inline script or style is allowed: the page has none, and a message that
 * ever slipped markup into it could not run.
 */
export const PAGE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "frame-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'self'",
].join('; ');

/**
 * The seed's own page (/seed/) runs inline scripts, as the seed wrote it; it keeps them, and gets the
 * framing rule alone.
 */
const FRAMING_ONLY_CSP = "frame-ancestors 'self'";

/**
 * The API documents' page (Swagger UI, served from the swagger-ui-dist package): its scripts are files
 * of ours, but its HTML carries a `<style>` block and style attributes, so styles alone may be inline.
 * It loads nothing from elsewhere (no validator badge, no CDN) and calls only this server ("Try it out").
 */
export const DOCS_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'self'",
].join('; ');

/** The headers of every page we serve, with its own policy. */
export function setPageHeaders(res: ServerResponse, csp: string): void {
  res.setHeader('Content-Security-Policy', csp);
  // For browsers without CSP's frame-ancestors.
  res.setHeader('X-Frame-Options', 'SAMEORIGIN');
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Referrer-Policy', 'same-origin');
}

/** Serves the built page (apps/web → dist/web) at `/`, with its security headers; no-op when not built. */
export function serveWebPage(app: NestExpressApplication): void {
  const root = join(__dirname, '..', '..', '..', 'web');
  if (!existsSync(join(root, 'index.html'))) return;
  const seed = join(root, 'seed');
  app.useStaticAssets(root, {
    index: 'index.html',
    // No max-age: file names do not change between builds, so browsers revalidate (ETag) instead.
    maxAge: 0,
    setHeaders: (res: ServerResponse, path: string) => {
      if (!path.endsWith('.html')) return;
      setPageHeaders(res, path.startsWith(seed) ? FRAMING_ONLY_CSP : PAGE_CSP);
    },
  });
}
