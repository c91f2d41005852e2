import { StompCodecError } from './codec-error';
import type { StompVersion } from './frame';

/** What a peer sends as a heart-beat: one EOL between frames. */
export const HEARTBEAT_EOL: Buffer = Buffer.from('\n');
export const HEARTBEAT_CRLF: Buffer = Buffer.from('\r\n');

export const SUPPORTED_VERSIONS: readonly StompVersion[] = ['1.0', '1.1', '1.2'];
const WS_PROTOCOL_VERSIONS: Record<string, StompVersion> = {
  'v10.stomp': '1.0',
  'v11.stomp': '1.1',
  'v12.stomp': '1.2',
};

/**
 * The version for a CONNECT. No accept-version means 1.0 (STOMP 1.1 §Protocol Negotiation) unless the
 * WebSocket handshake already chose a `vNN.stomp` sub-protocol; a list yields the highest version in
 * common; undefined when there is none (the caller answers with an ERROR naming SUPPORTED_VERSIONS).
 */
export function negotiateVersion(acceptVersion: string | undefined, wsProtocol?: string): StompVersion | undefined {
  if (acceptVersion === undefined) {
    return (wsProtocol !== undefined ? WS_PROTOCOL_VERSIONS[wsProtocol] : undefined) ?? '1.0';
  }
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
  return {
    sendEveryMs: serverSendMs > 0 && clientWant > 0 ? Math.max(serverSendMs, clientWant) : 0,
    expectEveryMs: serverWantMs > 0 && clientSend > 0 ? Math.max(serverWantMs, clientSend) : 0,
  };
}
