#!/usr/bin/env node
// Bundles the client library for browsers (and for Node, given a WebSocket constructor) into
// dist/chat-client: chat-client.mjs, an ES module with @stomp/stompjs inside, sockjs-client and
// socket.io-client in chunks loaded only by clients that pick those transports, and the type
// declarations under types/ (chat-client.d.ts names them).
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const outdir = join(here, '..', '..', 'dist', 'chat-client');
const require = createRequire(import.meta.url);

await rm(outdir, { recursive: true, force: true });
await build({
  entryPoints: { 'chat-client': join(here, 'src', 'index.ts') },
  outdir,
  outExtension: { '.js': '.mjs' },
  chunkNames: 'chunks/[name]-[hash]',
  bundle: true,
  splitting: true,
  format: 'esm',
  minify: true,
  sourcemap: false,
  target: ['es2022', 'chrome100', 'firefox100', 'safari15', 'node20'],
  platform: 'browser',
  // sockjs-client is written for browserify: it reads `global` and strips its debug logging on NODE_ENV.
  define: { global: 'globalThis', 'process.env.NODE_ENV': '"production"' },
  legalComments: 'linked',
  logLevel: 'warning',
});
const tsc = spawnSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', join(here, 'tsconfig.json')], { stdio: 'inherit' });
if (tsc.status !== 0) process.exit(tsc.status ?? 1);
await writeFile(join(outdir, 'chat-client.d.mts'), "export * from './types/index.js';\n");
console.log(`client library built into ${outdir}`);
