// Random whole STOMP sessions for the session fuzzer: a CONNECT (any version, any heart-beat), then a
// pipelined mix of every frame a client may send, against every destination the chat server serves,
// with receipts that need escaping, transactions, lies about content-length and hostile bodies, cut
// into WebSocket messages at random bytes. Everything derives from one Rng, so a session replays exactly.
import { isUtf8 } from 'node:buffer';
import { Rng, mutate } from './stomp-mutators';

export interface SessionScript {
  /** Offered WebSocket sub-protocols (empty: none). */
  protocols: string[];
  /** The session's bytes, cut into WebSocket messages. */
  messages: Buffer[];
  /** Per message: sent as a text message (true) or binary. */
  text: boolean[];
  /** Per message: milliseconds to wait before sending it (0: same tick, pipelined). */
  pauses: number[];
  /** After the last message: wait for the server to close (at most lingerMs), or close / cut at once. */
  ending: 'linger' | 'close' | 'terminate';
  lingerMs: number;
}

type Headers = [string, string][];

const PROTOCOLS = ['v10.stomp', 'v11.stomp', 'v12.stomp'];
const ACCEPT_VERSIONS = ['1.0', '1.1', '1.2', '1.0,1.1,1.2', '1.1,1.2', '1.2,1.0', '2.0', '', ' 1.2', '1.2,'];
const HEART_BEATS = [
  '0,0', '10000,10000', '1,1', '0,4294967296', '4294967296,0', '4294967295,4294967295', '99999999999999999999,1',
  '9007199254740993,0', '-1,0', '1e3,0', 'x', '0', '0,0,0', ',', '1000,',
];
const ROOMS = ['lobby', 'x', 'room-1', 'r_2', 'a'.repeat(64), '', 'a'.repeat(65), 'bad room', '__proto__', 'constructor', '..', '%2e', 'ü', 'x/y', '{room}'];
const USERS = ['alice', 'bob', 'Victim', '', '__proto__', 'x'.repeat(65), 'a/b', 'ali\u200bce', 'eve\u202e', 'b\u0007b'];
const NAMES = ['alice', 'bob', 'carol', '', 'x'.repeat(65), 'bell\u0007', 'nul\u0000', '__proto__', 'ali\u200bce', 42, null];
const TEXTS: unknown[] = [
  'hello', 'hi there', '', ' ', 'x'.repeat(4000), 'x'.repeat(4001), 'a\u0000b', '\ud800', '\udfff\ud800', 'line\nbreak', '\u202eevil',
  '<script>alert(1)</script>', 0, null, ['x'], { toString: 'x' },
];
/** Header values as they go on the wire: plain, valid 1.1/1.2 escapes, invalid escapes, raw colons. */
const WIRE_VALUES = ['1', 'r-42', 'a\\nb', 'a\\cb', 'a\\\\b', 'a\\rb', 'bad\\t', 'end\\', '\\', 'co:lon', 'sp ace', '\u20ac', '__proto__', ''];
const LIMITS = ['1', '20', '500', '501', '0', '-1', 'abc', '99999999', '1e3', ''];
const SINCE_IDS = ['0', '1', '999999999999999', '9999999999999999', '-1', 'x', ''];
const BROKER_SUBSCRIBE = [
  '/topic/messages', '/topic/x', '/topic/a/b', '/queue/q', '/user/queue/messages', '/user/queue/errors', '/user/queue/x',
  '/user/alice/queue/messages', '/user/', '/queue/x-user0123456789abcdef', '/system/x', '/app/chat', '/topic/', 'nope', '',
];
const BROKER_SEND = ['/topic/x', '/queue/q', '/topic/messages', '/topic/rooms/x', '/user/queue/x', '/user/alice/queue/messages', '/system/x', '/queue/x-userabc', 'nope', ''];
const UNKNOWN_COMMANDS = ['FOO', 'send', 'MESSAGE', 'CONNECTED', 'RECEIPT', 'ERROR', 'SEND ', ''];
const CONTENT_TYPES = ['application/json', 'text/plain', 'application/octet-stream', 'application/json;charset=utf-8', ''];

const ODD_BODIES = [
  'null', '[]', '"text"', '42', 'true', '{', '', '{"text":', '{"__proto__":{"text":"x","from":"y"}}',
  '{"constructor":{"prototype":{"text":"x"}},"text":"y","from":"z"}', '{"text":"\\ud800","from":"a"}',
  '{"from":"a","text":"b","from":"c"}', '['.repeat(3000) + ']'.repeat(3000), '{"a":'.repeat(2000) + '1' + '}'.repeat(2000),
].map((b) => Buffer.from(b));
const BIG_BODIES = [
  Buffer.from([0xff, 0xfe, 0x7b, 0xc3, 0x28, 0x00, 0x7d]),
  // Toward and past the frame limit (64 KiB by default: ws refuses a larger message with 1009).
  ...[5_000, 60_000, 70_000].map((n) => Buffer.from(JSON.stringify({ from: 'big', text: 'y'.repeat(n) }))),
];
const VALID_BODIES = NAMES.slice(0, 3).flatMap((from) => TEXTS.slice(0, 2).map((text) => Buffer.from(JSON.stringify({ from, text }))));

interface Session {
  rng: Rng;
  corpus: readonly Buffer[];
  subscriptions: string[];
  transactions: string[];
  messageIds: number;
}

function json(value: unknown): string {
  return JSON.stringify(value) ?? 'null';
}

/** A chat body: mostly valid, else every shape a handler might not expect. */
function chatBody(s: Session): Buffer {
  const { rng } = s;
  const r = rng.int(20);
  if (r < 9) return rng.pick(VALID_BODIES);
  if (r < 13) return Buffer.from(json({ from: rng.pick(NAMES), text: rng.pick(TEXTS) }));
  if (r < 18) return rng.pick(ODD_BODIES);
  return rng.pick(BIG_BODIES);
}

function receiptHeader(s: Session, headers: Headers, p = 0.6): void {
  if (s.rng.chance(p)) headers.push(['receipt', s.rng.chance(0.75) ? `r${s.rng.int(100)}` : s.rng.pick(WIRE_VALUES)]);
}

/** Mostly a transaction the session began; now and then one it did not. */
function transactionHeader(s: Session, headers: Headers, p: number): void {
  if (!s.rng.chance(s.transactions.length > 0 ? p : p / 10)) return;
  headers.push(['transaction', s.transactions.length > 0 && s.rng.chance(0.9) ? s.rng.pick(s.transactions) : s.rng.pick(['tx-none', ...WIRE_VALUES])]);
}

/** One frame's bytes: correct, or with a lying content-length, odd line ends, duplicate headers. */
function encode(s: Session, command: string, headers: Headers, body: Buffer = Buffer.alloc(0)): Buffer {
  const { rng } = s;
  const lines = [...headers];
  const needsLength = body.includes(0);
  const r = rng.int(40);
  if (needsLength || r < 12) lines.push(['content-length', String(body.length)]);
  else if (r === 12) {
    lines.push(['content-length', rng.pick(['0', '1', String(body.length + 1), String(Math.max(0, body.length - 1)), '-1', '4294967296', '99999999999999999999', 'x', ''])]);
  }
  if (rng.chance(0.05) && lines.length > 0) lines.push(rng.pick(lines));
  if (rng.chance(0.03)) lines.push([rng.pick(['__proto__', 'constructor', 'user-id', 'message-id', 'sub scription', '']), 'x']);
  const eol = rng.chance(0.1) ? '\r\n' : '\n';
  const head = `${command}${eol}${lines.map(([n, v]) => `${n}:${v}${eol}`).join('')}${eol}`;
  const trailer = rng.chance(0.08) ? rng.pick(['\0\n', '\0\r\n', '\0\n\n\n', '']) : '\0';
  return Buffer.concat([Buffer.from(head, 'utf8'), body, Buffer.from(trailer)]);
}

function connectFrame(s: Session): Buffer {
  const { rng } = s;
  const headers: Headers = [];
  if (rng.chance(0.85)) headers.push(['accept-version', rng.chance(0.8) ? rng.pick(ACCEPT_VERSIONS.slice(0, 5)) : rng.pick(ACCEPT_VERSIONS)]);
  if (rng.chance(0.9)) headers.push(['host', rng.pick(['localhost', 'x', '/', ''])]);
  if (rng.chance(0.5)) headers.push(['heart-beat', rng.chance(0.85) ? rng.pick(HEART_BEATS.slice(0, 6)) : rng.pick(HEART_BEATS)]);
  if (rng.chance(0.3)) headers.push(['login', rng.chance(0.9) ? rng.pick(['alice', 'bob', 'carol']) : rng.pick(['', 'x'.repeat(100), 'b\u0007b'])]);
  if (rng.chance(0.2)) headers.push(['passcode', rng.pick(['secret', 'eyJhbGciOiJub25lIn0.eyJzdWIiOiJhbGljZSJ9.', ''])]);
  receiptHeader(s, headers, 0.1);
  return encode(s, rng.chance(0.85) ? 'CONNECT' : 'STOMP', headers);
}

function appSend(s: Session): Buffer {
  const { rng } = s;
  const r = rng.int(20);
  const destination = r < 10 ? `/app/rooms/${rng.chance(0.8) ? rng.pick(ROOMS.slice(0, 5)) : rng.pick(ROOMS)}`
    : r < 14 ? '/app/chat'
      : r < 18 ? `/app/dm/${rng.pick(USERS)}`
        : rng.pick(['/app/nope', '/app/', '/app', '/app/rooms/', '/app/rooms/x/history', '/app/dm/', '/app//chat']);
  const headers: Headers = [['destination', destination]];
  receiptHeader(s, headers);
  transactionHeader(s, headers, 0.15);
  if (rng.chance(0.3)) headers.push(['content-type', rng.pick(CONTENT_TYPES)]);
  if (rng.chance(0.2)) headers.push(['client-message-id', rng.pick(['m1', 'm2', '', 'x'.repeat(65), 'a\\nb'])]);
  return encode(s, 'SEND', headers, chatBody(s));
}

function subscribe(s: Session): Buffer {
  const { rng } = s;
  const headers: Headers = [];
  const r = rng.int(10);
  if (r < 4) {
    headers.push(['destination', `/app/rooms/${rng.pick(ROOMS)}/history`]);
    if (rng.chance(0.5)) headers.push(['limit', rng.pick(LIMITS)]);
  } else if (r < 6) {
    headers.push(['destination', `/topic/rooms/${rng.pick(ROOMS)}`]);
    if (rng.chance(0.3)) headers.push(['since-id', rng.pick(SINCE_IDS)]);
  } else {
    headers.push(['destination', rng.pick(BROKER_SUBSCRIBE)]);
  }
  if (rng.chance(0.95)) {
    const id = rng.chance(0.9) ? `s${s.subscriptions.length}` : rng.pick(['s0', ...WIRE_VALUES]);
    headers.push(['id', id]);
    s.subscriptions.push(id);
  }
  if (rng.chance(0.2)) headers.push(['ack', rng.pick(['auto', 'client', 'client-individual', 'none'])]);
  receiptHeader(s, headers);
  return encode(s, 'SUBSCRIBE', headers);
}

function brokerSend(s: Session): Buffer {
  const headers: Headers = [['destination', s.rng.pick(BROKER_SEND)]];
  receiptHeader(s, headers);
  transactionHeader(s, headers, 0.15);
  if (s.rng.chance(0.2)) headers.push(['content-type', s.rng.pick(CONTENT_TYPES)]);
  return encode(s, 'SEND', headers, s.rng.chance(0.7) ? chatBody(s) : Buffer.from('plain text'));
}

function ackFrame(s: Session): Buffer {
  const { rng } = s;
  const headers: Headers = [];
  if (rng.chance(0.8)) headers.push(['id', String(rng.int(s.messageIds + 3))]);
  if (rng.chance(0.5)) headers.push(['message-id', String(++s.messageIds)]);
  if (rng.chance(0.5)) headers.push(['subscription', s.subscriptions.length > 0 ? rng.pick(s.subscriptions) : 's0']);
  transactionHeader(s, headers, 0.3);
  receiptHeader(s, headers);
  return encode(s, rng.chance(0.7) ? 'ACK' : 'NACK', headers);
}

function transactionFrame(s: Session, command: 'BEGIN' | 'COMMIT' | 'ABORT'): Buffer {
  const { rng } = s;
  const headers: Headers = [];
  // Ending a transaction nobody began is one ERROR; mostly begin one instead.
  if (command !== 'BEGIN' && s.transactions.length === 0 && rng.chance(0.9)) command = 'BEGIN';
  if (command === 'BEGIN') {
    const tx = rng.chance(0.9) ? `tx${s.transactions.length}` : rng.pick(['tx0', ...WIRE_VALUES]);
    if (rng.chance(0.95)) headers.push(['transaction', tx]);
    s.transactions.push(tx);
  } else {
    transactionHeader(s, headers, 0.95);
  }
  receiptHeader(s, headers);
  return encode(s, command, headers);
}

function unsubscribe(s: Session): Buffer {
  const headers: Headers = [];
  if (s.rng.chance(0.9)) headers.push(['id', s.subscriptions.length > 0 && s.rng.chance(0.8) ? s.rng.pick(s.subscriptions) : 'nope']);
  if (s.rng.chance(0.2)) headers.push(['destination', s.rng.pick(BROKER_SUBSCRIBE)]);
  receiptHeader(s, headers);
  return encode(s, 'UNSUBSCRIBE', headers);
}

function disconnect(s: Session): Buffer {
  const headers: Headers = [];
  receiptHeader(s, headers, 0.7);
  return encode(s, 'DISCONNECT', headers);
}

/** A real frame of the decoder corpus, mutated: the decoder's hostility inside a live session. */
function mutated(s: Session): Buffer {
  return mutate(s.corpus, s.rng).subarray(0, 70 * 1024);
}

const FRAMES: [(s: Session) => Buffer, number][] = [
  [appSend, 18], [subscribe, 10], [brokerSend, 5], [unsubscribe, 3], [ackFrame, 3],
  [(s) => transactionFrame(s, 'BEGIN'), 4], [(s) => transactionFrame(s, 'COMMIT'), 3], [(s) => transactionFrame(s, 'ABORT'), 1],
  [disconnect, 0.7], [connectFrame, 0.5], [(s) => encode(s, s.rng.pick(UNKNOWN_COMMANDS), [['destination', '/topic/x']]), 0.4],
  [mutated, 1.5], [(s) => Buffer.from(s.rng.pick(['\n', '\r\n', '\n\n\n'])), 1],
];
const TOTAL = FRAMES.reduce((sum, [, w]) => sum + w, 0);

function anyFrame(s: Session): Buffer {
  let r = s.rng.next() * TOTAL;
  for (const [make, weight] of FRAMES) {
    if (r < weight) return make(s);
    r -= weight;
  }
  return appSend(s);
}

/** Cuts the session's bytes into messages: one message, one per frame, or at random bytes. */
function cut(rng: Rng, frames: Buffer[]): Buffer[] {
  const all = Buffer.concat(frames);
  const style = rng.int(10);
  if (style < 4 || all.length < 2) return [all];
  if (style < 7) return frames.filter((f) => f.length > 0);
  const cuts = [...new Set(Array.from({ length: 1 + rng.int(8) }, () => 1 + rng.int(all.length - 1)))].sort((a, b) => a - b);
  const out: Buffer[] = [];
  let from = 0;
  for (const at of cuts) {
    out.push(all.subarray(from, at));
    from = at;
  }
  out.push(all.subarray(from));
  return out;
}

export function sessionScript(rng: Rng, corpus: readonly Buffer[]): SessionScript {
  const s: Session = { rng, corpus, subscriptions: [], transactions: [], messageIds: 0 };
  const protocols = rng.chance(0.2) ? [] : PROTOCOLS.filter(() => rng.chance(0.6));
  const frames: Buffer[] = [];
  const start = rng.int(20);
  if (start < 18) frames.push(connectFrame(s));
  else if (start === 18) frames.push(mutated(s));
  // Now and then more frames than a session may queue while its CONNECT is being authenticated (100).
  const count = rng.chance(0.02) ? 100 + rng.int(60) : rng.chance(0.1) ? rng.int(40) : rng.int(8);
  for (let i = 0; i < count; i++) frames.push(anyFrame(s));
  if (rng.chance(0.5)) frames.push(disconnect(s));
  const messages = cut(rng, frames);
  // Text messages must be UTF-8 (ws closes 1007 otherwise): sometimes a cut through a character is sent as text anyway.
  const text = messages.map((m) => (isUtf8(m) ? rng.chance(0.5) : rng.chance(0.05)));
  const pauses = messages.map((_, i) => (i > 0 && rng.chance(0.15) ? 1 + rng.int(20) : 0));
  const e = rng.int(10);
  return {
    protocols,
    messages,
    text,
    pauses,
    ending: e < 7 ? 'linger' : e < 9 ? 'close' : 'terminate',
    lingerMs: 20 + rng.int(80),
  };
}
