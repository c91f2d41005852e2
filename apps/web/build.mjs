#!/usr/bin/env node
// Bundles the chat page into dist/web (and the admin view into dist/web/admin): index.html, main.js (+ a lazily loaded SockJS chunk), main.css,
// and sockjs.min.js, a standalone SockJS client for the SockJS iframe page (its `sockjs_url`), so that
// nothing is fetched from a CDN and the page works offline.
// Also the seed's own client page (apps/web/seed) into dist/web/seed, with the two scripts it loads from
// resources/js/: sockjs-client's browser build and the classic stomp.js 2.3.3, unbundled as the seed had them.
import { build } from 'esbuild';
import { copyFile, mkdir, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const outdir = join(here, '..', '..', 'dist', 'web');
const seedScripts = join(outdir, 'seed', 'resources', 'js');
const require = createRequire(import.meta.url);

const common = {
  bundle: true,
  minify: true,
  // No source maps: the server would publish them (#10); the page is small enough to debug minified.
  sourcemap: false,
  target: ['es2022', 'chrome100', 'firefox100', 'safari15'],
  platform: 'browser',
  // sockjs-client is written for browserify: it reads `global` and strips its debug logging on NODE_ENV.
  define: { global: 'globalThis', 'process.env.NODE_ENV': '"production"' },
  legalComments: 'linked',
  logLevel: 'warning',
};

await rm(outdir, { recursive: true, force: true });
await mkdir(seedScripts, { recursive: true });
await mkdir(join(outdir, 'admin'), { recursive: true });
await Promise.all([
  build({
    ...common,
    entryPoints: { main: join(here, 'src', 'main.ts') },
    chunkNames: 'chunks/[name]-[hash]',
    outdir,
    format: 'esm',
    splitting: true,
  }),
  build({
    ...common,
    entryPoints: { admin: join(here, 'admin', 'admin.ts') },
    outdir: join(outdir, 'admin'),
    format: 'esm',
  }),
  copyFile(join(here, 'admin', 'index.html'), join(outdir, 'admin', 'index.html')),
  copyFile(join(here, 'admin', 'admin.css'), join(outdir, 'admin', 'admin.css')),
  build({
    ...common,
    entryPoints: ['sockjs-client'],
    outfile: join(outdir, 'sockjs.min.js'),
    format: 'iife',
    globalName: 'SockJS',
  }),
  copyFile(join(here, 'index.html'), join(outdir, 'index.html')),
  copyFile(join(here, 'seed', 'index.html'), join(outdir, 'seed', 'index.html')),
  // The very file the server serves to its SockJS iframe: the iframe transports need equal versions.
  copyFile(require.resolve('sockjs-client/dist/sockjs.min.js'), join(seedScripts, 'sockjs.min.js')),
  copyFile(require.resolve('stompjs/lib/stomp.js'), join(seedScripts, 'stomp.js')),
]);
console.log(`web page built into ${outdir}`);
