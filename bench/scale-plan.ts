/**
 * The arithmetic of the `scale` scenario (bench/scenarios/scale.scenario.ts), kept apart so it can be
 * tested without sockets: which rooms each session subscribes to, who sends to which room at what rate,
 * and the least-squares split of the server's CPU into a per-message and a per-delivery cost.
 */
import { split } from './worker-pool';

export interface ScalePlan {
  rooms: number;
  sessions: number;
  /** max(1, sessions / rooms) */
  subscribersPerRoom: number;
  /** max(1, rooms / sessions) */
  roomsPerSession: number;
  /** The offered deliveries/s divided by subscribersPerRoom, so every grid point offers the same deliveries. */
  messagesPerSec: number;
}

/**
 * One of rooms and sessions must divide the other: then session s subscribes to every room r with
 * r ≡ s (mod min(rooms, sessions)), which gives each room the same number of subscribers and each
 * session the same number of rooms.
 */
export function planScale(rooms: number, sessions: number, deliveriesPerSec: number): ScalePlan {
  for (const [name, n] of [['rooms', rooms], ['sessions', sessions]] as const) {
    if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be a positive integer, not ${n}`);
  }
  if (Math.max(rooms, sessions) % Math.min(rooms, sessions) !== 0) {
    throw new Error(`${rooms} rooms and ${sessions} sessions: one must divide the other`);
  }
  if (!(deliveriesPerSec > 0)) throw new Error(`deliveries/s must be positive, not ${deliveriesPerSec}`);
  const subscribersPerRoom = Math.max(1, sessions / rooms);
  return {
    rooms, sessions, subscribersPerRoom,
    roomsPerSession: Math.max(1, rooms / sessions),
    messagesPerSec: deliveriesPerSec / subscribersPerRoom,
  };
}

/** The rooms session `s` subscribes to, ascending. */
export function roomsOf(plan: ScalePlan, s: number): number[] {
  const step = Math.min(plan.rooms, plan.sessions);
  const out: number[] = [];
  for (let r = s % step; r < plan.rooms; r += step) out.push(r);
  return out;
}

/**
 * Send j of a cycle of max(rooms, sessions) goes from session j mod sessions to room j mod rooms: the
 * sender is one of the room's subscribers (as a chat user posts to a room they are in), rooms take turns
 * evenly and so do the sessions.
 */
export function sendCycle(plan: ScalePlan): Array<[session: number, room: number]> {
  const n = Math.max(plan.rooms, plan.sessions);
  return Array.from({ length: n }, (_, j) => [j % plan.sessions, j % plan.rooms]);
}

export interface WorkerShare {
  /** The sessions this worker owns, as global indices (contiguous, as split() cuts them). */
  sessions: number[];
  /** [index among this worker's sessions, room], in cycle order. */
  sends: Array<[number, number]>;
  /** This worker's part of messagesPerSec, in proportion to its sends of the cycle. */
  rate: number;
}

/** Cuts the sessions into `workers` contiguous slices and gives each worker the sends of its sessions. */
export function workerShares(plan: ScalePlan, workers: number): WorkerShare[] {
  const slices = split(Array.from({ length: plan.sessions }, (_, s) => s), workers);
  const cycle = sendCycle(plan);
  return slices.map((sessions) => {
    const first = sessions[0] ?? 0;
    const sends = cycle
      .filter(([s]) => sessions.length > 0 && s >= first && s < first + sessions.length)
      .map(([s, room]) => [s - first, room] as [number, number]);
    return { sessions, sends, rate: (plan.messagesPerSec * sends.length) / cycle.length };
  });
}

export interface CostPoint {
  messages: number;
  deliveries: number;
  /** Server CPU seconds for them, the idle cost of the same span already taken off. */
  cpuSeconds: number;
}

export interface CostFit {
  /** µs of server CPU per message (what does not depend on how many subscribers a message has). */
  perMessageMicros: number;
  /** µs of server CPU per delivery. */
  perDeliveryMicros: number;
  /** Measured minus fitted, in CPU seconds, one per point. */
  residuals: number[];
  /** Per point: (CPU − perMessage × messages) / deliveries, in µs: the per-delivery cost that point shows. */
  netPerDeliveryMicros: number[];
}

/**
 * Least squares of y = Σ coef[k]·x[k] (no constant), by the normal equations and Gaussian elimination.
 * Undefined with fewer rows than unknowns or when the columns cannot be told apart (a pivot vanishes
 * relative to its column's size).
 */
export function leastSquares(xs: number[][], y: number[]): number[] | undefined {
  const n = xs[0]?.length ?? 0;
  if (n === 0 || xs.length < n) return undefined;
  const m = Array.from({ length: n }, (_, i) => [
    ...Array.from({ length: n }, (_, j) => xs.reduce((sum, row) => sum + row[i] * row[j], 0)),
    xs.reduce((sum, row, r) => sum + row[i] * y[r], 0),
  ]);
  const scale = m.map((row, i) => row[i]);
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let r = col + 1; r < n; r++) if (Math.abs(m[r][col]) > Math.abs(m[pivot][col])) pivot = r;
    [m[col], m[pivot]] = [m[pivot], m[col]];
    if (!(Math.abs(m[col][col]) > 1e-9 * Math.max(...scale))) return undefined;
    for (let r = 0; r < n; r++) {
      if (r === col) continue;
      const f = m[r][col] / m[col][col];
      for (let c = col; c <= n; c++) m[r][c] -= f * m[col][c];
    }
  }
  return m.map((row, i) => row[n] / row[i]);
}

/**
 * Least squares of cpuSeconds = a·messages + b·deliveries (no constant: idle CPU is measured and taken off
 * first). Undefined when the points cannot tell a from b (fewer than two, or messages ∝ deliveries).
 */
export function fitCost(points: CostPoint[]): CostFit | undefined {
  const coef = leastSquares(points.map((p) => [p.messages, p.deliveries]), points.map((p) => p.cpuSeconds));
  if (!coef) return undefined;
  const [a, b] = coef;
  return {
    perMessageMicros: a * 1e6,
    perDeliveryMicros: b * 1e6,
    residuals: points.map((p) => p.cpuSeconds - (a * p.messages + b * p.deliveries)),
    netPerDeliveryMicros: points.map((p) => (p.deliveries > 0 ? ((p.cpuSeconds - a * p.messages) / p.deliveries) * 1e6 : NaN)),
  };
}

export interface CommitFit {
  perMessageMicros: number;
  perCommitMicros: number;
  perDeliveryMicros: number;
  residuals: number[];
}

/**
 * cpuSeconds = a·messages + c·commits + b·deliveries, for the stored chat, whose group commit pays per
 * batch: at a low rate a batch holds one or two posts, at a high one dozens, so a fixed per-message cost
 * cannot describe both. Needs three points that tell the three apart.
 */
export function fitCommitCost(points: Array<CostPoint & { commits: number }>): CommitFit | undefined {
  const coef = leastSquares(points.map((p) => [p.messages, p.commits, p.deliveries]), points.map((p) => p.cpuSeconds));
  if (!coef) return undefined;
  const [a, c, b] = coef;
  return {
    perMessageMicros: a * 1e6,
    perCommitMicros: c * 1e6,
    perDeliveryMicros: b * 1e6,
    residuals: points.map((p) => p.cpuSeconds - (a * p.messages + c * p.commits + b * p.deliveries)),
  };
}

/** max / min of the positive, finite values (how far from flat); NaN when there are fewer than two. */
export function spread(values: number[]): number {
  const usable = values.filter((v) => Number.isFinite(v) && v > 0);
  if (usable.length < 2) return NaN;
  return Math.max(...usable) / Math.min(...usable);
}
