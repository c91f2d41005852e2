// #15 item 4: the built bundle, dist/chat-client/chat-client.mjs (what a browser app or a Node
// program loads, @stomp/stompjs inside), works in Node 20 given what Node lacks: `ws` as WebSocket,
// and sockjs-client's and socket.io-client's Node builds (the bundle's own chunks are their browser
// builds). SSE and long polling need nothing but fetch.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import WebSocket from 'ws';
import SockJS from 'sockjs-client';
import { io } from 'socket.io-client';
import { startServer, type RunningServer } from '../support/server';
import type * as Library from '../../libs/chat-client/src';
import { roomName, until } from './support/clients';

const BUNDLE = join(__dirname, '..', '..', 'chat-client', 'chat-client.mjs');
// This file is compiled to CommonJS, where TypeScript turns import() into require(): the bundle is an
// ES module, so the import has to stay an import.
const importModule = new Function('specifier', 'return import(specifier)') as (specifier: string) => Promise<unknown>;

let server: RunningServer;
let lib: typeof Library;
before(async () => {
  server = await startServer({ RATE_LIMIT_PER_SEC: '0' });
  lib = (await importModule(pathToFileURL(BUNDLE).href)) as typeof Library;
});
after(() => server.stop());

describe('#15 the client library bundle', () => {
  it('is one ES module with its declarations, nothing of the server in it', () => {
    assert.ok(existsSync(join(BUNDLE, '..', 'chat-client.d.mts')));
    assert.ok(existsSync(join(BUNDLE, '..', 'types', 'index.d.ts')));
    const code = readFileSync(BUNDLE, 'utf8');
    assert.doesNotMatch(code, /@nestjs|typeorm|reflect-metadata/);
    assert.equal(typeof lib.ChatClient, 'function');
    assert.ok(lib.TRANSPORTS.includes('long-polling'));
  });

  const platform = {
    WebSocket: WebSocket as unknown as Library.WebSocketLike,
    SockJS: SockJS as unknown as Library.SockJsLike,
    io: io as unknown as Library.IoLike,
  };
  for (const transport of ['websocket', 'sockjs-websocket', 'sse', 'long-polling', 'socketio'] as const) {
    it(`${transport} in Node`, async () => {
      const room = roomName(`bundle-${transport}`);
      const ann = new lib.ChatClient({ url: server.url, transport, name: 'ann', ...platform });
      const bob = new lib.ChatClient({ url: server.url, transport, name: 'bob', ...platform });
      const seen: string[] = [];
      bob.on('message', (m) => seen.push(m.text));
      try {
        await Promise.all([ann.connect(), bob.connect()]);
        await bob.join(room);
        await ann.send(room, `bundled ${transport}`);
        await until(() => seen.length === 1, 'the message');
        assert.deepEqual(seen, [`bundled ${transport}`]);
      } finally {
        ann.close();
        bob.close();
      }
    });
  }

  it('says what is missing instead of failing later: no WebSocket in Node 20', () => {
    if ((globalThis as { WebSocket?: unknown }).WebSocket) return;
    assert.throws(() => new lib.ChatClient({ url: server.url }), (e: Library.ChatClientError) => e.code === 'unsupported' && /ws package/.test(e.message));
  });
});
