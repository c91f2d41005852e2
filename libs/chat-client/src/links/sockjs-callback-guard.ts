/**
 * sockjs-client's jsonp-polling and htmlfile receivers register callbacks on `window._jp` and delete
 * them when a receiver closes, but a script already on its way still runs after the close and finds
 * nothing there: an uncaught TypeError in the page. For jsonp it is a poll answer arriving after a
 * reconnect or room switch. For htmlfile it is the streaming iframe's first script: sockjs-client gives
 * a transport 2 × RTO (well under a second on loopback) to open, and on a busy machine it aborts the
 * receiver while the iframe's `var c = parent._jp.<id>; c.start();` is already queued; the iframe
 * itself is only removed on the next tick, so that script runs against the deleted id.
 * Retired ids answer with a stand-in that fits both shapes and does nothing; live ones behave exactly
 * as before.
 */
export function guardSockJsCallbacks(): void {
  const holder = globalThis as { _jp?: object };
  if (holder._jp !== undefined) return;
  // Every receiver retires one id; only the last few can still have a script in flight.
  const retired = new Set<PropertyKey>();
  const RETIRED_KEPT = 32;
  const ignore = (): void => undefined;
  // jsonp calls `_jp.<id>(frame)`; htmlfile calls `c.start()`, `c.message(frame)` and, on load, `c.stop()`.
  const lateCallback = Object.assign(() => undefined, { start: ignore, message: ignore, stop: ignore });
  holder._jp = new Proxy<Record<PropertyKey, unknown>>(
    {},
    {
      get: (target, key) => (key in target ? target[key] : retired.has(key) ? lateCallback : undefined),
      deleteProperty: (target, key) => {
        retired.add(key);
        if (retired.size > RETIRED_KEPT) retired.delete(retired.values().next().value as PropertyKey);
        return delete target[key];
      },
    },
  );
}
