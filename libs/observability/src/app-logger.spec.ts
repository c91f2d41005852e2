import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { AppLogger, escapeControl } from './app-logger';

/** Everything the logger writes to stdout and stderr while `run` runs. */
function capture(run: () => void): string {
  const out: string[] = [];
  const write = (chunk: string | Uint8Array) => void out.push(String(chunk));
  const [stdout, stderr] = [process.stdout.write, process.stderr.write];
  process.stdout.write = ((chunk: string | Uint8Array) => (write(chunk), true)) as typeof process.stdout.write;
  process.stderr.write = ((chunk: string | Uint8Array) => (write(chunk), true)) as typeof process.stderr.write;
  try {
    run();
  } finally {
    process.stdout.write = stdout;
    process.stderr.write = stderr;
  }
  return out.join('');
}

const FORGED = '/app/rooms/x\n[Nest] 1  - 01/01/2026, 0:00:00 AM     LOG [Main] forged\u001b[2K\u202eevil';

describe('AppLogger (#10: control characters in logged values are escaped)', () => {
  it('escapes controls, line separators and bidi overrides', () => {
    assert.equal(escapeControl('a\nb\r\tc\u0000\u001b\u007f\u0085\u2028\u202e'), 'a\\nb\\r\\tc\\x00\\x1b\\x7f\\x85\\u2028\\u202e');
    assert.equal(escapeControl('plain text, ünïcode 😀'), 'plain text, ünïcode 😀');
  });

  it('text: one record is one line, whatever the message holds', () => {
    const logger = new AppLogger({ level: 'log', format: 'text' });
    const out = capture(() => logger.warn(`handler failed for ${FORGED}`, 'MessageRouter'));
    assert.equal(out.split('\n').filter(Boolean).length, 1, out);
    assert.match(out, /WARN \[MessageRouter\] handler failed for \/app\/rooms\/x\\n\[Nest\]/);
    assert.match(out, /\\x1b\[2K\\u202eevil/);
  });

  it('text: fields of a record as key=value, escaped too; stack lines indented', () => {
    const logger = new AppLogger({ level: 'log', format: 'text' });
    const out = capture(() => {
      logger.log({ msg: 'connected', door: 'websocket', user: 'eve\nLOG fake', remoteAddress: '10.0.0.1' }, 'Sessions');
      logger.error('failed', `Error: boom\n${FORGED}\n    at somewhere`, 'X');
    });
    assert.match(out, /connected door=websocket user="eve\\nLOG fake" remoteAddress=10\.0\.0\.1/);
    const lines = out.split('\n').filter(Boolean);
    assert.ok(lines.every((line) => line.startsWith('[Nest]') || line.startsWith('Error: boom') || /^\s/.test(line)), out);
  });

  it('json: one object per line with level, time, msg, context and the fields', () => {
    const logger = new AppLogger({ level: 'log', format: 'json' });
    const out = capture(() => {
      logger.log({ msg: FORGED, sessionId: 's1', user: 'u', door: 'sockjs', remoteAddress: '::1' }, 'Sessions');
      logger.warn('plain', 'Ctx');
      logger.debug('not at this level');
    });
    const lines = out.split('\n').filter(Boolean);
    assert.equal(lines.length, 2, out);
    const first = JSON.parse(lines[0]!) as Record<string, unknown>;
    assert.deepEqual(
      { ...first, time: undefined },
      { level: 'log', time: undefined, msg: FORGED, context: 'Sessions', sessionId: 's1', user: 'u', door: 'sockjs', remoteAddress: '::1' },
    );
    assert.ok(!Number.isNaN(Date.parse(first.time as string)));
    assert.doesNotMatch(lines[0]!, /[\u0000-\u001f\u007f-\u009f\u202e]/, 'no raw control character on the line');
    assert.deepEqual(JSON.parse(lines[1]!).msg, 'plain');
  });
});
