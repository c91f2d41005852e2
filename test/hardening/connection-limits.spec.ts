// Issue "Hard to break", item 4: connection caps per remote address and the REST rate limit, against the
// real server; plus the limiter's own rules (IPv6 /64, release once, bounded memory).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import type { Socket } from 'node:net';
import { AddressRateLimiter } from '@app/stomp-transport';
import { ConnectionLimiter, addressKey } from '@app/stomp-transport';
import { startServer, type RunningServer } from '../support/server';
import { closeCode, handshake, http, metric, postMessage } from './hardening-client';

describe('ConnectionLimiter and AddressRateLimiter', () => {
  it('caps each address, releases once, and forgets an address with nothing open', () => {
    const limiter = new ConnectionLimiter(2);
    const a = limiter.acquire('10.0.0.1');
    const b = limiter.acquire('::ffff:10.0.0.1');
    assert.ok(a && b);
    assert.equal(limiter.acquire('10.0.0.1'), undefined, 'third connection of one address is refused');
    assert.ok(limiter.acquire('10.0.0.2'), 'another address is not affected');
    a();
    a();
    assert.equal(limiter.count('10.0.0.1'), 1, 'a double release frees one slot only');
    b();
    assert.equal(limiter.count('10.0.0.1'), 0);
    assert.equal(limiter.addresses, 1);
    assert.equal(limiter.refused, 1);
    assert.ok(new ConnectionLimiter(0).acquire('x'), '0 turns the cap off');
  });

  it('#10 hold(): a session or stream borrows its own socket\'s slot once, others pay; slots pass on when the socket closes first', () => {
    const limiter = new ConnectionLimiter(3);
    const socket = Object.assign(new EventEmitter(), { remoteAddress: '10.0.0.9' }) as unknown as Socket;
    assert.ok(limiter.admit(socket));
    const stream = limiter.hold('10.0.0.9', socket);
    assert.equal(limiter.count('10.0.0.9'), 1, 'a stream on its own socket costs no second slot');
    const sessionA = limiter.hold('10.0.0.9', socket);
    const sessionB = limiter.hold('10.0.0.9', socket);
    assert.ok(stream && sessionA && sessionB);
    assert.equal(limiter.count('10.0.0.9'), 3, 'the socket lends its slot to one thing only');
    assert.equal(limiter.hold('10.0.0.9', socket), undefined, 'past the cap');
    assert.equal(limiter.hold('10.0.0.9'), undefined, 'also without a socket');
    const forwarded = limiter.hold('10.0.0.10', socket);
    assert.equal(limiter.count('10.0.0.10'), 1, 'a forwarded client is counted by its own address');
    forwarded?.();
    socket.emit('close');
    assert.equal(limiter.count('10.0.0.9'), 3, 'the closed socket\'s slot stays with the stream that borrowed it');
    stream();
    stream();
    assert.equal(limiter.count('10.0.0.9'), 2);
    sessionA();
    sessionB();
    assert.equal(limiter.count('10.0.0.9'), 0);
    assert.equal(limiter.addresses, 0);
  });

  it('counts IPv6 by /64 and IPv4-mapped addresses as IPv4', () => {
    assert.equal(addressKey('2001:db8:1:2:aaaa::1'), addressKey('2001:0db8:0001:0002:bbbb:cccc:dddd:eeee'));
    assert.notEqual(addressKey('2001:db8:1:2::1'), addressKey('2001:db8:1:3::1'));
    assert.equal(addressKey('::ffff:127.0.0.1'), '127.0.0.1');
    assert.equal(addressKey('::1'), '0:0:0:0::/64');
    assert.equal(addressKey('not:an:address:::'), 'not:an:address:::');
    assert.equal(addressKey(undefined), 'unknown');
  });

  it('the per-address bucket refills at its rate and keeps its table bounded', () => {
    const limiter = new AddressRateLimiter(2, 3, 100);
    let now = 0;
    const taken = Array.from({ length: 5 }, () => limiter.take('a', now)).filter(Boolean).length;
    assert.equal(taken, 3, 'the burst, then nothing');
    assert.equal(limiter.take('b', now), true, 'another address has its own bucket');
    now += 500;
    assert.equal(limiter.take('a', now), true, 'one token back after half a second at 2/s');
    assert.equal(limiter.take('a', now), false);
    for (let i = 0; i < 1_000; i++) limiter.take(`10.0.${i >> 8}.${i & 255}`, now + i * 10_000);
    assert.ok(limiter.size <= 100, `table stays bounded (${limiter.size})`);
    assert.equal(new AddressRateLimiter(0, 0).take('a'), true, 'rate 0 turns it off');
  });
});

describe('MAX_CONNECTIONS_PER_IP on every door of the real server', () => {
  let server: RunningServer;
  before(async () => {
    server = await startServer({ MAX_CONNECTIONS_PER_IP: '3', RATE_LIMIT_PER_SEC: '2', RATE_LIMIT_BURST: '4' });
  });
  after(async () => assert.equal(await server.stop(), 0));

  it('refuses the STOMP upgrade, /ws/chat, SockJS and REST past the cap with 429, and lets others in', async () => {
    const from = '127.0.0.2';
    const held = await Promise.all([0, 1, 2].map(() => handshake(`${server.wsUrl}/chat`, { protocols: ['v12.stomp'], from })));
    assert.deepEqual(held.map((h) => h.status), [101, 101, 101]);

    const stomp = await handshake(`${server.wsUrl}/chat`, { protocols: ['v12.stomp'], from });
    assert.equal(stomp.status, 429);
    assert.equal(JSON.parse(stomp.body).error, 'too-many-requests');
    assert.equal((await handshake(`${server.wsUrl}/ws/chat?room=r`, { from })).status, 429);
    const rest = await http(`${server.url}/api/rooms`, { from });
    assert.equal(rest.status, 429);
    assert.equal(JSON.parse(rest.text).error, 'too-many-connections');
    assert.equal((await http(`${server.url}/chat/info`, { from })).status, 429);
    assert.equal((await http(`${server.url}/sse/rooms/r`, { from })).status, 429);

    // Another address is untouched by the first one's cap.
    const other = await handshake(`${server.wsUrl}/chat`, { protocols: ['v12.stomp'], from: '127.0.0.3' });
    assert.equal(other.status, 101);
    other.ws!.close();

    // Closing one socket frees one slot, and only one.
    held[0].ws!.close();
    await closeCode(held[0].ws!);
    let again = await handshake(`${server.wsUrl}/ws/chat?room=r`, { from });
    for (let i = 0; again.status === 429 && i < 20; i++) {
      // The server sees the close a moment after the client does.
      await new Promise((r) => setTimeout(r, 25));
      again = await handshake(`${server.wsUrl}/ws/chat?room=r`, { from });
    }
    assert.equal(again.status, 101);
    assert.equal((await handshake(`${server.wsUrl}/chat`, { protocols: ['v12.stomp'], from })).status, 429);
    for (const h of [...held.slice(1), again]) h.ws!.terminate();
    // The process is fine and serves everyone else.
    assert.equal((await http(`${server.url}/health`)).status, 200);
  });

  it('REST posts are rate-limited per address: the flooder gets 429 rate-limited, a quiet neighbour 201', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 10; i++) statuses.push((await postMessage(server.url, 'flood', { from: 'f', text: `m${i}` }, '127.0.0.4')).status);
    assert.deepEqual(statuses.slice(0, 4), [201, 201, 201, 201], 'the burst goes through');
    assert.ok(statuses.slice(4).includes(429), `then 429 (${statuses.join(',')})`);
    const refused = await postMessage(server.url, 'flood', { from: 'f', text: 'again' }, '127.0.0.4');
    assert.equal(refused.status, 429);
    assert.deepEqual(JSON.parse(refused.text).error, 'rate-limited');
    assert.equal(refused.headers['retry-after'], '1');
    assert.equal((await postMessage(server.url, 'quiet', { from: 'q', text: 'hello' }, '127.0.0.5')).status, 201);
    const stored = JSON.parse((await http(`${server.url}/api/rooms/flood/messages?limit=500`)).text) as unknown[];
    assert.equal(stored.length, statuses.filter((s) => s === 201).length, 'refused posts stored nothing');
    assert.ok((await metric(server.url, 'chat_rate_limited_messages_total{door="rest",protocol="http"}')) >= 1);
  });
});
