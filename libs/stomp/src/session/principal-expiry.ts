import type { Principal } from './authenticator.port';

/** The longest delay setTimeout honours; a longer one fires at once (Node clamps it to 1 ms). */
const MAX_TIMER_MS = 2 ** 31 - 1;
/** What a principal without an expiry gets: nothing to cancel, and no function made per session. */
const NEVER = (): void => undefined;

/**
 * Calls `expired` once when the principal's token expires; returns the function that cancels it. One timer
 * per session: an expiry beyond what setTimeout can hold (24.8 days) re-arms the same slot when it fires.
 */
export function onPrincipalExpiry(principal: Principal | undefined, expired: () => void): () => void {
  const expiresAt = principal?.expiresAt;
  if (expiresAt === undefined || !Number.isFinite(expiresAt)) return NEVER;
  let timer: NodeJS.Timeout;
  const schedule = (): void => {
    timer = setTimeout(fire, Math.min(Math.max(expiresAt - Date.now(), 0), MAX_TIMER_MS));
    timer.unref();
  };
  // Always from a timer, never from inside the caller: it may still be setting the session up.
  const fire = (): void => (Date.now() >= expiresAt ? expired() : schedule());
  schedule();
  return () => clearTimeout(timer);
}
