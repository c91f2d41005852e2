import { Logger } from '@nestjs/common';
import { doorOf } from './session-metrics';

/** What every log line about one session carries, whichever door it came through. */
export interface SessionLogSubject {
  readonly sessionId: string;
  readonly transport: string;
  readonly remoteAddress: string;
  readonly principal?: { name: string };
}

/** Bodies in debug frame lines are cut to this many bytes: enough to recognise a message, not to copy it. */
const BODY_PREVIEW_BYTES = 160;
/** Credentials a CONNECT may carry: never written to a log. */
const SECRET_HEADERS: ReadonlySet<string> = new Set(['passcode', 'authorization', 'token', 'access_token', 'x-auth-token']);

/**
 * The one place a session's life is logged, as records (`{ msg, sessionId, user, door, remoteAddress }`)
 * through Nest's logger, so whatever logger the application installs (text or JSON lines) decides the
 * format. Connects and ends are `log`; protocol faults and refusals `warn`; frames `debug`, only when
 * `frames` is on, because formatting every frame costs what the hot path cannot pay.
 */
export class SessionLog {
  private readonly logger = new Logger('StompSession');

  constructor(readonly frames: boolean) {}

  connected(s: SessionLogSubject, version: string): void {
    this.logger.log({ msg: 'session connected', ...fields(s), version });
  }

  ended(s: SessionLogSubject, reason: string, connected: boolean): void {
    this.logger.log({ msg: connected ? 'session ended' : 'session ended before CONNECTED', ...fields(s), reason });
  }

  fault(s: SessionLogSubject, message: string, reason: string): void {
    this.logger.warn({ msg: `session refused or failed: ${message}`, ...fields(s), reason });
  }

  frameIn(s: SessionLogSubject, command: string, headers: ReadonlyMap<string, string>, body: Buffer): void {
    const shown = Object.fromEntries([...headers].map(([k, v]) => [k, SECRET_HEADERS.has(k.toLowerCase()) ? '***' : v]));
    this.logger.debug({ msg: `>>> ${command}`, ...fields(s), headers: shown, body: preview(body) });
  }

  frameOut(s: SessionLogSubject, bytes: Buffer): void {
    if (bytes.length === 1) return; // a heart-beat
    const end = bytes.indexOf(0x0a);
    const command = bytes.subarray(0, end === -1 ? bytes.length : end).toString('utf8');
    this.logger.debug({ msg: `<<< ${command}`, ...fields(s), bytes: bytes.length, frame: preview(bytes) });
  }
}

function fields(s: SessionLogSubject) {
  return { sessionId: s.sessionId, user: s.principal?.name, door: doorOf(s.transport), transport: s.transport, remoteAddress: s.remoteAddress };
}

function preview(bytes: Buffer): string {
  const text = bytes.subarray(0, BODY_PREVIEW_BYTES).toString('utf8');
  return bytes.length > BODY_PREVIEW_BYTES ? `${text}… (${bytes.length} bytes)` : text;
}
