// Golden frames for the codec specs: literal wire bytes and what they must decode to.
import type { StompFrame } from './frame';

export interface GoldenFrame {
  name: string;
  wire: Buffer;
  command: string;
  headers: [string, string][];
  /** Body as hex, so binary bodies read the same as text ones. */
  bodyHex: string;
}

const text = (s: string) => Buffer.from(s, 'utf8').toString('hex');
const golden = (name: string, wire: string | Buffer, command: string, headers: [string, string][], bodyHex = ''): GoldenFrame =>
  ({ name, wire: typeof wire === 'string' ? Buffer.from(wire, 'utf8') : wire, command, headers, bodyHex });

export const CLIENT_GOLDEN: GoldenFrame[] = [
  golden('CONNECT', 'CONNECT\naccept-version:1.0,1.1,1.2\nhost:localhost\nheart-beat:10000,10000\nlogin:alice\npasscode:s3cr\\et\n\n\0',
    'CONNECT', [['accept-version', '1.0,1.1,1.2'], ['host', 'localhost'], ['heart-beat', '10000,10000'], ['login', 'alice'], ['passcode', 's3cr\\et']]),
  golden('STOMP with CRLF lines', 'STOMP\r\naccept-version:1.2\r\nhost:chat\r\n\r\n\0',
    'STOMP', [['accept-version', '1.2'], ['host', 'chat']]),
  golden('SEND with content-length', 'SEND\ndestination:/app/chat\ncontent-type:application/json\ncontent-length:29\n\n{"from":"ann","text":"hi!!"}\n\0',
    'SEND', [['destination', '/app/chat'], ['content-type', 'application/json'], ['content-length', '29']], text('{"from":"ann","text":"hi!!"}\n')),
  golden('SEND without content-length, UTF-8 body', 'SEND\ndestination:/topic/h\u00e9\n\nh\u00e9llo \u2713\0',
    'SEND', [['destination', '/topic/h\u00e9']], text('h\u00e9llo \u2713')),
  golden('SUBSCRIBE', 'SUBSCRIBE\nid:sub-0\ndestination:/topic/rooms/lobby\nack:client-individual\nsince-id:42\n\n\0',
    'SUBSCRIBE', [['id', 'sub-0'], ['destination', '/topic/rooms/lobby'], ['ack', 'client-individual'], ['since-id', '42']]),
  golden('UNSUBSCRIBE', 'UNSUBSCRIBE\nid:sub-0\n\n\0', 'UNSUBSCRIBE', [['id', 'sub-0']]),
  golden('ACK', 'ACK\nid:m-1\ntransaction:tx1\n\n\0', 'ACK', [['id', 'm-1'], ['transaction', 'tx1']]),
  golden('NACK', 'NACK\nid:m-2\n\n\0', 'NACK', [['id', 'm-2']]),
  golden('BEGIN', 'BEGIN\ntransaction:tx1\n\n\0', 'BEGIN', [['transaction', 'tx1']]),
  golden('COMMIT', 'COMMIT\ntransaction:tx1\nreceipt:r-9\n\n\0', 'COMMIT', [['transaction', 'tx1'], ['receipt', 'r-9']]),
  golden('ABORT', 'ABORT\ntransaction:tx2\n\n\0', 'ABORT', [['transaction', 'tx2']]),
  golden('DISCONNECT', 'DISCONNECT\nreceipt:77\n\n\0', 'DISCONNECT', [['receipt', '77']]),
];

export const SERVER_GOLDEN: GoldenFrame[] = [
  golden('CONNECTED', 'CONNECTED\nversion:1.2\nheart-beat:10000,10000\nserver:stomp-chat/0.1.0\nsession:a:b\n\n\0',
    'CONNECTED', [['version', '1.2'], ['heart-beat', '10000,10000'], ['server', 'stomp-chat/0.1.0'], ['session', 'a:b']]),
  golden('MESSAGE with escapes and a binary body containing NUL',
    Buffer.concat([
      Buffer.from('MESSAGE\nsubscription:sub-0\nmessage-id:7\ndestination:/topic/a\\cb\nnote:line1\\nline2\\\\\ncontent-type:application/octet-stream\ncontent-length:5\n\n'),
      Buffer.from('000100ff0a', 'hex'),
      Buffer.from('00', 'hex'),
    ]),
    'MESSAGE',
    [['subscription', 'sub-0'], ['message-id', '7'], ['destination', '/topic/a:b'], ['note', 'line1\nline2\\'],
      ['content-type', 'application/octet-stream'], ['content-length', '5']],
    '000100ff0a'),
  golden('RECEIPT', 'RECEIPT\nreceipt-id:77\n\n\0', 'RECEIPT', [['receipt-id', '77']]),
  golden('ERROR', 'ERROR\nmessage:malformed frame\ncontent-type:text/plain\ncontent-length:27\n\nThe frame had no command.\r\n\0',
    'ERROR', [['message', 'malformed frame'], ['content-type', 'text/plain'], ['content-length', '27']], text('The frame had no command.\r\n')),
];

export interface PlainFrame { command: string; headers: [string, string][]; bodyHex: string }

/** A comparable, printable form of a decoded frame. */
export function plain(frame: StompFrame): PlainFrame {
  return { command: frame.command, headers: [...frame.headers], bodyHex: frame.body.toString('hex') };
}

export function expected(g: GoldenFrame): PlainFrame {
  return { command: g.command, headers: g.headers, bodyHex: g.bodyHex };
}
