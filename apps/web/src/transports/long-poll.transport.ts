import { parseMessages, type ChatMessage } from '../chat-message';
import { fetchMessages, postMessage, roomUrl } from './rest-client';
import type { FeedHandlers, RoomConnection, RoomOptions } from './transport';

const POLL_SECONDS = 25;
/** A held poll that outlives the server's own timeout by this much is treated as a dead network. */
const POLL_GRACE_MS = 10_000;

/**
 * Long polling for receiving, POST for sending. A short GET of the history (or of what was missed)
 * proves the server is reachable, so the page can say "Connected" without waiting for a held poll.
 */
export function connectLongPoll(opts: RoomOptions, h: FeedHandlers): RoomConnection {
  const abort = new AbortController();
  let done = false;
  let cursor = opts.sinceId;

  const deliver = (messages: ChatMessage[]): void => {
    if (done || messages.length === 0) return;
    cursor = Math.max(cursor ?? 0, messages[messages.length - 1].id);
    h.onMessages(messages);
  };

  const poll = async (): Promise<ChatMessage[]> => {
    const url = roomUrl(opts.base, opts.room, 'poll');
    url.searchParams.set('after', String(cursor ?? 0));
    url.searchParams.set('timeout', String(POLL_SECONDS));
    const timer = setTimeout(() => abort.abort(), POLL_SECONDS * 1000 + POLL_GRACE_MS);
    try {
      const res = await fetch(url, { signal: abort.signal, cache: 'no-store' });
      if (!res.ok) throw new Error(`poll answered ${res.status}`);
      return parseMessages(await res.text());
    } finally {
      clearTimeout(timer);
    }
  };

  const run = async (): Promise<void> => {
    deliver(await fetchMessages(opts.base, opts.room, cursor, abort.signal));
    if (cursor === undefined) cursor = 0;
    if (done) return;
    h.onOpen();
    while (!done) deliver(await poll());
  };

  run().catch(() => {
    if (done) return;
    done = true;
    h.onClose('The poll failed.');
  });

  return {
    send: (text) => postMessage(opts.base, opts.room, opts.name, text),
    close: () => {
      done = true;
      abort.abort();
    },
  };
}
