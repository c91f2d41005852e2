// The session fuzzer's client side: plays one SessionScript over a real WebSocket, and the liveness probe.
// Every socket it opens is in `open` until its 'close' event, and every path ends in terminate(), so a
// run can prove it leaked none.
import WebSocket from 'ws';
import type { SessionScript } from './session-script';

export interface SessionOutcome {
  /** WebSocket close code as the client saw it (1006: cut without a close frame). */
  closeCode: number;
  /** Who ended it: the server (close frame or cut), or the client (its ending, or the safety deadline). */
  endedBy: 'server' | 'client' | 'deadline';
  /** A client-side error (refused handshake, reset), if any. */
  error?: string;
  /** The server answered with `ERROR message:internal server error`: a fault it contained, still a bug. */
  internalError: boolean;
  /** Frames the server sent, by command. */
  frames: Map<string, number>;
  /** The `message` header of the ERROR it sent, if any (digits blanked). */
  errorMessage?: string;
}

/** No session may take longer than this, whatever the server does; reaching it is reported. */
const SESSION_DEADLINE_MS = 15_000;
/** After a polite close(), the server gets this long to answer before the socket is cut. */
const CLOSE_GRACE_MS = 1_000;
const INTERNAL = Buffer.from('message:internal server error');
/** A zero mask is a valid mask, and ws skips masking for it: the fuzzer spends no crypto per frame. */
const ZERO_MASK = (mask: Buffer) => void mask.fill(0);

export function runSession(url: string, script: SessionScript, open: Set<WebSocket>): Promise<SessionOutcome> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, script.protocols, { perMessageDeflate: false, handshakeTimeout: 5_000, generateMask: ZERO_MASK });
    open.add(ws);
    const timers = new Set<NodeJS.Timeout>();
    const later = (ms: number, fn: () => void) => {
      const t = setTimeout(() => {
        timers.delete(t);
        fn();
      }, ms);
      timers.add(t);
    };
    let endedBy: SessionOutcome['endedBy'] = 'server';
    let error: string | undefined;
    let internalError = false;
    let errorMessage: string | undefined;
    const frames = new Map<string, number>();
    const clientEnds = (how: 'close' | 'terminate', by: SessionOutcome['endedBy'] = 'client') => {
      if (ws.readyState === WebSocket.CLOSED) return;
      // CLOSING: the server has already begun to close; it ended the session.
      if (ws.readyState !== WebSocket.CLOSING) endedBy = by;
      if (how === 'terminate' || ws.readyState !== WebSocket.OPEN) return ws.terminate();
      ws.close(1000);
      later(CLOSE_GRACE_MS, () => ws.terminate());
    };
    later(SESSION_DEADLINE_MS, () => clientEnds('terminate', 'deadline'));
    // The server writes one frame per WebSocket message.
    ws.on('message', (data: Buffer) => {
      let from = 0;
      while (from < data.length && (data[from] === 0x0a || data[from] === 0x0d)) from++;
      if (from === data.length) return;
      const eol = data.indexOf(0x0a, from);
      const command = data.toString('latin1', from, eol < 0 ? Math.min(data.length, from + 16) : eol);
      frames.set(command, (frames.get(command) ?? 0) + 1);
      if (command !== 'ERROR') return;
      if (data.includes(INTERNAL)) internalError = true;
      const m = /\nmessage:([^\n]{0,80})/.exec(data.toString('utf8', from, from + 200));
      // The quoted input varies; the sentence is what tells one error from another.
      errorMessage = m ? m[1].replace(/"[^]*"?/, '"…"').replace(/\d+/g, 'N') : '(none)';
    });
    ws.on('error', (e) => {
      error ??= e.message.replace(/\d+/g, 'N');
    });
    ws.once('close', (code) => {
      for (const t of timers) clearTimeout(t);
      timers.clear();
      open.delete(ws);
      resolve({ closeCode: code, endedBy, error, internalError, frames, errorMessage });
    });
    // Messages go out back to back (pipelined) except where the script pauses before one.
    const step = (i: number, waited: boolean): void => {
      if (ws.readyState !== WebSocket.OPEN) return;
      if (i === script.messages.length) {
        if (script.ending !== 'linger') return clientEnds(script.ending);
        return later(script.lingerMs, () => clientEnds(script.lingerMs % 2 === 0 ? 'close' : 'terminate'));
      }
      if (script.pauses[i] > 0 && !waited) return later(script.pauses[i], () => step(i, true));
      ws.send(script.messages[i], { binary: !script.text[i] });
      step(i + 1, false);
    };
    ws.once('open', () => step(0, false));
  });
}

/**
 * Does the server still serve? A fresh client CONNECTs, SUBSCRIBEs with a receipt and must get the
 * RECEIPT within `timeoutMs`. Resolves with why not, or undefined when it answered.
 */
export function probe(url: string, timeoutMs: number, open: Set<WebSocket>): Promise<string | undefined> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, ['v12.stomp'], { perMessageDeflate: false, handshakeTimeout: timeoutMs });
    open.add(ws);
    let answer: string | undefined = 'no RECEIPT';
    let received = '';
    const timer = setTimeout(() => {
      answer = `no RECEIPT within ${timeoutMs} ms (got ${JSON.stringify(received.slice(0, 200))})`;
      ws.terminate();
    }, timeoutMs);
    ws.on('error', (e) => {
      answer = e.message;
    });
    ws.on('message', (data: Buffer) => {
      received += data.toString('utf8');
      if (/(^|\0)\n*RECEIPT\nreceipt-id:alive\n/.test(received)) {
        answer = undefined;
        ws.terminate();
      }
    });
    ws.once('open', () => {
      ws.send('CONNECT\naccept-version:1.2\nhost:localhost\nheart-beat:0,0\n\n\0'
        + 'SUBSCRIBE\nid:alive\ndestination:/topic/alive\nreceipt:alive\n\n\0');
    });
    ws.once('close', () => {
      clearTimeout(timer);
      open.delete(ws);
      resolve(answer);
    });
  });
}
