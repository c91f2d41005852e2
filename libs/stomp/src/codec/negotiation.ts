import { StompCodecError } from './codec-error';
import type { StompVersion } from './frame';

/** What a peer sends as a heart-beat: one EOL between frames. */
export const HEARTBEAT_EOL: Buffer = Buffer.from('\n');
export const HEARTBEAT_CRLF: Buffer = Buffer.from('\r\n');

export const SUPPORTED_VERSIONS: readonly StompVersion[] = ['1.0', '1.1', '1.2'];

/**
 * The version for a CONNECT. No accept-version means 1.0 (STOMP 1.2 §Protocol Negotiation), whatever
 * WebSocket sub-protocol was chosen, as Spring and RabbitMQ do (#10); a list yields the highest version
 * in common; undefined when there is none (the caller answers with an ERROR naming SUPPORTED_VERSIONS).
 */
export function negotiateVersion(acceptVersion: string | undefined): StompVersion | undefined {
  if (acceptVersion === undefined) return '1.0';
  const offered = new Set(acceptVersion.split(',').map((v) => v.trim()));
  for (let i = SUPPORTED_VERSIONS.length - 1; i >= 0; i--) {
    if (offered.has(SUPPORTED_VERSIONS[i])) return SUPPORTED_VERSIONS[i];
  }
  return undefined;
}

export interface HeartbeatPlan {
  /** How often we must send something (0 = never). */
  sendEveryMs: number;
  /** How often the peer must send something (0 = do not watch). */
  expectEveryMs: number;
}

const HEARTBEAT = /^\s*(\d{1,15})\s*,\s*(\d{1,15})\s*$/;
/**
 * The longest interval we agree to, either way: a timer cannot hold more than 2^31-1 ms (Node clamps a
 * larger one to 1 ms, which turned `0,4294967296` into a thousand heart-beats a second, #10), and an
 * hour is already far past any proxy's idle timeout.
 */
export const MAX_HEARTBEAT_MS = 3_600_000;

/**
 * STOMP 1.1 §Heart-beating. The client's `cx,cy`: it can send every cx ms and wants to receive every
 * cy ms. We send every max(serverSendMs, cy) when both are non-zero, and expect the client every
 * max(cx, serverWantMs) when both are non-zero. A missing header means `0,0`.
 */
export function negotiateHeartbeat(clientHeader: string | undefined, serverSendMs: number, serverWantMs: number): HeartbeatPlan {
  let clientSend = 0;
  let clientWant = 0;
  if (clientHeader !== undefined) {
    const match = HEARTBEAT.exec(clientHeader);
    if (!match) {
      throw new StompCodecError('malformed-header', 'The heart-beat header must be two non-negative integers separated by a comma.');
    }
    clientSend = Number(match[1]);
    clientWant = Number(match[2]);
  }
  // Sending more often than a client asks is harmless; a client promising to send less often than the cap
  // is not watched at all rather than watched on a timer that cannot be set.
  return {
    sendEveryMs: serverSendMs > 0 && clientWant > 0 ? Math.min(Math.max(serverSendMs, clientWant), MAX_HEARTBEAT_MS) : 0,
    expectEveryMs: serverWantMs > 0 && clientSend > 0 && clientSend <= MAX_HEARTBEAT_MS ? Math.max(serverWantMs, clientSend) : 0,
  };
}
