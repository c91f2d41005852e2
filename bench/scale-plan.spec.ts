import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseOptions } from './bench-options';
import { fitCommitCost, fitCost, leastSquares, planScale, roomsOf, sendCycle, spread, workerShares, type ScalePlan } from './scale-plan';

/** Subscribers of each room, counted from roomsOf. */
function subscribersByRoom(plan: ScalePlan): number[] {
  const counts = new Array<number>(plan.rooms).fill(0);
  for (let s = 0; s < plan.sessions; s++) for (const r of roomsOf(plan, s)) counts[r]++;
  return counts;
}

describe('scale scenario planning', () => {
  it('gives every room max(1, S/R) subscribers and every session max(1, R/S) rooms, at D/(subscribers per room) msg/s', () => {
    for (const [rooms, sessions] of [[10, 100], [10_000, 100], [10, 10_000], [10_000, 10_000], [3, 3]]) {
      const plan = planScale(rooms, sessions, 5_000);
      assert.equal(plan.subscribersPerRoom, Math.max(1, sessions / rooms));
      assert.equal(plan.roomsPerSession, Math.max(1, rooms / sessions));
      assert.equal(plan.messagesPerSec * plan.subscribersPerRoom, 5_000);
      assert.ok(subscribersByRoom(plan).every((n) => n === plan.subscribersPerRoom), `${rooms}x${sessions}`);
      for (let s = 0; s < sessions; s++) assert.equal(roomsOf(plan, s).length, plan.roomsPerSession);
    }
  });

  it('refuses a grid point where neither of rooms and sessions divides the other', () => {
    assert.throws(() => planScale(10, 4, 100), /one must divide the other/);
    assert.throws(() => planScale(0, 4, 100), /rooms must be a positive integer/);
    assert.throws(() => planScale(4, 4, 0), /deliveries/);
  });

  it('sends to every room equally, each send from a subscriber of its room, each session equally', () => {
    for (const [rooms, sessions] of [[10, 100], [1_000, 10], [6, 6]]) {
      const plan = planScale(rooms, sessions, 1_000);
      const cycle = sendCycle(plan);
      assert.equal(cycle.length, Math.max(rooms, sessions));
      const perRoom = new Array<number>(rooms).fill(0);
      const perSession = new Array<number>(sessions).fill(0);
      for (const [s, r] of cycle) {
        assert.ok(roomsOf(plan, s).includes(r), `session ${s} is in room ${r}`);
        perRoom[r]++;
        perSession[s]++;
      }
      assert.equal(new Set(perRoom).size, 1);
      assert.equal(new Set(perSession).size, 1);
    }
  });

  it('splits sessions and their sends over the workers with local indices, the rates adding up', () => {
    const plan = planScale(10, 100, 5_000);
    const shares = workerShares(plan, 3);
    assert.deepEqual(shares.map((s) => s.sessions.length), [33, 33, 34]);
    assert.equal(shares.reduce((n, s) => n + s.rate, 0), plan.messagesPerSec);
    for (const share of shares) {
      for (const [local, room] of share.sends) {
        assert.ok(local >= 0 && local < share.sessions.length);
        assert.ok(roomsOf(plan, share.sessions[local]).includes(room));
      }
    }
    // More workers than sessions: the empty ones get nothing to send.
    const tiny = workerShares(planScale(2, 1, 10), 2);
    assert.deepEqual(tiny.map((s) => [s.sessions.length, s.sends.length, s.rate]), [[0, 0, 0], [1, 2, 10]]);
  });

  it('fits CPU = a·messages + b·deliveries: exact on linear data, the excess of an outlier in its residual', () => {
    const a = 20e-6;
    const b = 3e-6;
    const grid = [[3_000, 30_000], [30_000, 30_000], [30, 30_000], [30_000, 30_000]];
    const points = grid.map(([messages, deliveries]) => ({ messages, deliveries, cpuSeconds: a * messages + b * deliveries }));
    const fit = fitCost(points)!;
    assert.ok(Math.abs(fit.perMessageMicros - 20) < 1e-6);
    assert.ok(Math.abs(fit.perDeliveryMicros - 3) < 1e-6);
    for (const r of fit.residuals) assert.ok(Math.abs(r) < 1e-9);
    for (const n of fit.netPerDeliveryMicros) assert.ok(Math.abs(n - 3) < 1e-6);
    assert.ok(Math.abs(spread(fit.netPerDeliveryMicros) - 1) < 1e-9);

    // One point costs 0.05 s more (a scan per message, say): its residual is the largest.
    points[3].cpuSeconds += 0.05;
    const off = fitCost(points)!;
    const worst = off.residuals.reduce((w, r, i) => (Math.abs(r) > Math.abs(off.residuals[w]) ? i : w), 0);
    assert.equal(worst, 3);
    assert.ok(spread(off.netPerDeliveryMicros) > 1.1);
  });

  it('fits a per-commit cost apart from the per-message one when the batches differ', () => {
    const grid = [[1_200, 900, 12_000], [12_000, 1_300, 12_000], [12, 12, 12_000], [12_000, 120, 12_000]];
    const points = grid.map(([messages, commits, deliveries]) =>
      ({ messages, commits, deliveries, cpuSeconds: 90e-6 * messages + 2.5e-3 * commits + 30e-6 * deliveries }));
    const fit = fitCommitCost(points)!;
    assert.ok(Math.abs(fit.perMessageMicros - 90) < 1e-6);
    assert.ok(Math.abs(fit.perCommitMicros - 2_500) < 1e-6);
    assert.ok(Math.abs(fit.perDeliveryMicros - 30) < 1e-6);
    for (const r of fit.residuals) assert.ok(Math.abs(r) < 1e-9);
    // One commit per message everywhere: commits and messages are the same column.
    assert.equal(fitCommitCost(points.map((p) => ({ ...p, commits: p.messages }))), undefined);
    assert.equal(leastSquares([[1, 2]], [3]), undefined, 'fewer rows than unknowns');
  });

  it('declines a fit that cannot tell a from b', () => {
    assert.equal(fitCost([{ messages: 1, deliveries: 10, cpuSeconds: 1 }]), undefined);
    assert.equal(fitCost([{ messages: 1, deliveries: 10, cpuSeconds: 1 }, { messages: 2, deliveries: 20, cpuSeconds: 2 }]), undefined);
    assert.ok(Number.isNaN(spread([1, -1])));
  });

  it('takes its grid, rate and length from the flags, and runs only when named', () => {
    const o = parseOptions(['--scenario', 'scale', '--scale-rooms', '2,4', '--scale-sessions=8', '--scale-deliveries', '400', '--scale-duration', '2']);
    assert.deepEqual(o.scenarios, ['scale']);
    assert.deepEqual([o.scaleRooms, o.scaleSessions, o.scaleDeliveries, o.scaleDurationS], [[2, 4], [8], 400, 2]);
    assert.ok(!parseOptions([]).scenarios.includes('scale'));
    assert.ok(!parseOptions(['--scenario', 'all']).scenarios.includes('scale'));
    assert.throws(() => parseOptions(['--scale-rooms', '10,x']), /--scale-rooms must be integers/);
  });
});
