// #14 item 4: heart-beats ride one shared timer wheel; the promises of the per-session timers they replace still hold.
import { afterEach, beforeEach, describe, it, mock } from 'node:test';
import assert from 'node:assert/strict';
import { HeartbeatMonitor, heartbeatWheelGroups, type HeartbeatHost } from './heartbeat-monitor';

/** Virtual time: the wheel's intervals are mocked, and the test's clock is the sum of the ticks. */
let now = 0;
function advance(ms: number): void {
  for (let i = 0; i < ms; i++) {
    now++;
    mock.timers.tick(1);
  }
}

class Host implements HeartbeatHost {
  beats: number[] = [];
  silentAt?: number;
  readonly monitor = new HeartbeatMonitor(this);
  readonly startedAt = now;
  heartbeatDue(): void {
    this.beats.push(now - this.startedAt);
    this.monitor.sent();
  }
  heartbeatSilent(): void {
    this.silentAt ??= now - this.startedAt;
  }
}

describe('#14 HeartbeatMonitor on the shared wheel', () => {
  beforeEach(() => mock.timers.enable({ apis: ['setInterval'] }));
  afterEach(() => mock.timers.reset());

  it('beats a quiet session at least once per interval, wherever its slot falls, and once per interval only', () => {
    const hosts: Host[] = [];
    for (let i = 0; i < 40; i++) {
      const h = new Host();
      h.monitor.start(10_000, 0);
      hosts.push(h);
      advance(97);
    }
    advance(60_000);
    for (const h of hosts) h.monitor.stop();
    for (const h of hosts) {
      const gaps = [h.beats[0], ...h.beats.slice(1).map((t, i) => t - h.beats[i])];
      assert.ok(Math.max(...gaps) <= 10_000, `gaps ${gaps.join(' ')}`);
      assert.ok(Math.min(...gaps.slice(1)) >= 9_000, `gaps ${gaps.join(' ')}`);
    }
  });

  it('sends nothing while the session writes on its own', () => {
    const h = new Host();
    h.monitor.start(1_000, 0);
    for (let i = 0; i < 50; i++) {
      advance(300);
      h.monitor.sent();
    }
    h.monitor.stop();
    assert.deepEqual(h.beats, []);
  });

  it('declares a silent client dead after two whole intervals and not before, wherever its slot falls', () => {
    const hosts: Host[] = [];
    for (let i = 0; i < 40; i++) {
      const h = new Host();
      h.monitor.start(0, 10_000);
      hosts.push(h);
      advance(131);
    }
    advance(40_000);
    for (const h of hosts) h.monitor.stop();
    for (const h of hosts) {
      assert.ok(h.silentAt !== undefined, 'never declared silent');
      assert.ok(h.silentAt >= 20_000, `declared silent after ${h.silentAt} ms (interval 10 s)`);
      assert.ok(h.silentAt <= 30_000, `declared silent only after ${h.silentAt} ms`);
    }
  });

  it('keeps a client that sends anything alive, and stops looking once stopped', () => {
    const h = new Host();
    h.monitor.start(0, 1_000);
    for (let i = 0; i < 30; i++) {
      advance(1_900);
      h.monitor.received();
    }
    assert.equal(h.silentAt, undefined);
    h.monitor.stop();
    advance(5_000);
    assert.equal(h.silentAt, undefined);
  });

  it('keeps no group for a period nobody uses any more: any number of distinct heart-beat values leaves nothing behind', () => {
    const before = heartbeatWheelGroups();
    // Even values: each is a period of its own (looks come at half of it).
    const hosts = Array.from({ length: 50 }, (_, i) => {
      const h = new Host();
      h.monitor.start(10_000 + 2 * i, 20_000 + 2 * i);
      return h;
    });
    try {
      assert.equal(heartbeatWheelGroups(), before + 100);
    } finally {
      for (const h of hosts) h.monitor.stop();
    }
    assert.equal(heartbeatWheelGroups(), before);
  });

  it('one session whose beat throws is stopped; the others of its slot still beat and the timer goes on', () => {
    const broken = new Host();
    broken.heartbeatDue = () => {
      throw new Error('write after end');
    };
    const hosts = [broken, ...Array.from({ length: 40 }, () => new Host())];
    for (const h of hosts) h.monitor.start(10_000, 0);
    try {
      advance(25_000);
      for (const h of hosts.slice(1)) assert.ok(h.beats.length >= 2, `beats at ${h.beats.join(', ')}`);
    } finally {
      for (const h of hosts) h.monitor.stop();
    }
  });
});
