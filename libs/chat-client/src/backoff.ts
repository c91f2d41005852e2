/**
 * Reconnect delays: exponential from `baseMs`, capped at `maxMs`, with "equal jitter" (half fixed, half
 * random) so that many clients dropped by one server restart do not come back in lock step.
 */
export function backoffDelay(attempt: number, random: () => number = Math.random, baseMs = 500, maxMs = 10_000): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.max(0, Math.min(attempt, 30)));
  return Math.round(ceiling / 2 + (ceiling / 2) * random());
}
