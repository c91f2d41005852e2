import type { BrokerMessage } from '@app/messaging';
import { roomEventTypeOf } from '@app/chat';

const KEY = 'sse';

/**
 * The SSE event of a chat message (`id:`, `event: message`, `data:`), or of a room event (`event: <type>`,
 * `data:`, no `id:`: Last-Event-ID is a message id), computed once per message and kept in
 * `message.encodings`, so a thousand streams share one Buffer.
 */
export function sseEvent(message: BrokerMessage): Buffer {
  const cached = message.encodings.get(KEY);
  if (cached instanceof Buffer) return cached;
  const id = message.headers.get('chat-id');
  // A data line may not hold a line break; JSON has none, but a body with one must not forge fields.
  const data = message.body.toString('utf8').split(/\r\n|\r|\n/).map((line) => `data: ${line}\n`).join('');
  const type = roomEventTypeOf(message);
  const idLine = type === undefined && id && /^\d+$/.test(id) ? `id: ${id}\n` : '';
  const event = Buffer.from(`${idLine}event: ${type ?? 'message'}\n${data}\n`, 'utf8');
  message.encodings.set(KEY, event);
  return event;
}

/** A comment line: keeps proxies from timing the stream out and lets the server notice dead clients. */
export const SSE_HEARTBEAT = Buffer.from(':\n\n');
