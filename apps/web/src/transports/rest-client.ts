import { parseMessages, toChatMessage, type ChatMessage } from '../chat-message';
import { SendError } from './transport';

/** The REST half of the SSE and long-polling transports (docs/http.md). */
export function roomUrl(base: URL, room: string, suffix: string): URL {
  return new URL(`/api/rooms/${encodeURIComponent(room)}/${suffix}`, base);
}

export async function fetchMessages(base: URL, room: string, after: number | undefined, signal: AbortSignal): Promise<ChatMessage[]> {
  const url = roomUrl(base, room, 'messages');
  if (after !== undefined) url.searchParams.set('after', String(after));
  url.searchParams.set('limit', after === undefined ? '50' : '500');
  const res = await fetch(url, { signal, cache: 'no-store' });
  if (!res.ok) throw new Error(`history answered ${res.status}`);
  return parseMessages(await res.text());
}

export async function postMessage(base: URL, room: string, from: string, text: string): Promise<ChatMessage | undefined> {
  let res: Response;
  try {
    res = await fetch(roomUrl(base, room, 'messages'), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ from, text }),
    });
  } catch {
    throw new SendError('Could not reach the server; the message was not sent.');
  }
  const body = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    json = undefined;
  }
  if (!res.ok) {
    const message = (json as { message?: unknown } | undefined)?.message;
    throw new SendError(typeof message === 'string' ? message : `The server refused the message (${res.status}).`);
  }
  return toChatMessage(json);
}
