import { parseMessages } from '../chat-message';
import { fetchMessages, postMessage } from './rest-client';
import type { FeedHandlers, RoomConnection, RoomOptions } from './transport';

/**
 * Server-Sent Events for receiving, POST for sending. The browser's own EventSource retry is not used:
 * on the first error the stream is closed and the page reconnects with its backoff, resuming with
 * `?lastEventId=` (the same value EventSource would send as Last-Event-ID).
 */
export function connectSse(opts: RoomOptions, h: FeedHandlers): RoomConnection {
  const abort = new AbortController();
  let source: EventSource | undefined;
  let done = false;
  const finish = (reason: string): void => {
    if (done) return;
    done = true;
    source?.close();
    abort.abort();
    h.onClose(reason);
  };

  const open = (sinceId: number): void => {
    const url = new URL(`/sse/rooms/${encodeURIComponent(opts.room)}`, opts.base);
    url.searchParams.set('lastEventId', String(sinceId));
    source = new EventSource(url);
    source.onopen = () => h.onOpen();
    source.addEventListener('message', (event) => h.onMessages(parseMessages(event.data)));
    source.onerror = () => finish('The event stream ended.');
  };

  if (opts.sinceId !== undefined) {
    open(opts.sinceId);
  } else {
    fetchMessages(opts.base, opts.room, undefined, abort.signal).then(
      (history) => {
        if (done) return;
        h.onMessages(history);
        open(history.length > 0 ? history[history.length - 1].id : 0);
      },
      () => finish('Could not load the history.'),
    );
  }

  return {
    send: (text) => postMessage(opts.base, opts.room, opts.name, text),
    close: () => {
      done = true;
      source?.close();
      abort.abort();
    },
  };
}
