/**
 * sockjs-client's jsonp-polling (and htmlfile) receivers register callbacks on `window._jp` and delete
 * them when a connection closes, but a poll script already in flight still runs after the close and
 * calls the deleted callback: an uncaught TypeError on every reconnect or room switch. Retired ids
 * answer with a no-op instead; live ones behave exactly as before.
 */
export function guardSockJsCallbacks(): void {
  const holder = globalThis as { _jp?: object };
  if (holder._jp !== undefined) return;
  // Every poll retires one id; only the last few can still have a script in flight.
  const retired = new Set<PropertyKey>();
  const RETIRED_KEPT = 32;
  const ignore = (): void => undefined;
  holder._jp = new Proxy<Record<PropertyKey, unknown>>(
    {},
    {
      get: (target, key) => (key in target ? target[key] : retired.has(key) ? ignore : undefined),
      deleteProperty: (target, key) => {
        retired.add(key);
        if (retired.size > RETIRED_KEPT) retired.delete(retired.values().next().value as PropertyKey);
        return delete target[key];
      },
    },
  );
}
