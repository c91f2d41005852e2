/**
 * Heart-beats for one session, both ways. The hot path only bumps counters (no clock read per frame).
 * Sessions own no timers: every monitor is a member of a shared timer wheel (one per period in use,
 * across the process), whose slots take turns, so 10,000 idle sessions cost a few Set entries each
 * instead of two interval timers and their closures, and their beats stay spread over the period
 * rather than all leaving in one turn.
 */
export interface HeartbeatHost {
  /** Nothing went out for a whole look: send a beat. */
  heartbeatDue(): void;
  /** Nothing came in for two whole intervals. */
  heartbeatSilent(): void;
}

export class HeartbeatMonitor {
  private receivedCount = 0;
  private sentCount = 0;
  private sendGroup?: WheelGroup;
  private checkGroup?: WheelGroup;
  private sendSlot = 0;
  private checkSlot = 0;
  /** sentCount / receivedCount at this monitor's previous tick of that direction. */
  private sentSeen = 0;
  private receivedSeen = 0;
  /** Consecutive ticks with nothing received; -1 until the first tick after start (which only looks). */
  private silentTicks = -1;
  /** The send side's first tick after start only looks too, so no beat comes sooner than a whole look after start. */
  private sendLooked = false;

  constructor(private readonly host: HeartbeatHost) {}

  /** Starts the negotiated schedule; 0 in either direction turns that direction off. */
  start(sendEveryMs: number, expectEveryMs: number): void {
    this.stop();
    if (sendEveryMs > 0) {
      // Any frame counts as a beat. Looking at half the interval (rounded down, so never slower) and
      // beating after one quiet look keeps every gap within the promised interval, and an idle session
      // still beats only once per interval. The first look after start only takes the count: the
      // wheel's turn may come at once, and an interval has not passed.
      this.sentSeen = this.sentCount;
      this.sendLooked = false;
      this.sendGroup = wheelGroup(SEND_WHEEL, Math.max(1, Math.floor(sendEveryMs / 2)), 'down');
      this.sendSlot = this.sendGroup.join(this);
    }
    if (expectEveryMs > 0) {
      // Tolerate jitter and timer drift: the client is dead after two whole intervals without a byte.
      // Looks come every half interval (rounded up, so never sooner) and four quiet looks in a row are
      // needed; the first look after start only takes the count, so at least two intervals of silence
      // always pass before the verdict, wherever the wheel's turn falls.
      this.receivedSeen = this.receivedCount;
      this.silentTicks = -1;
      this.checkGroup = wheelGroup(CHECK_WHEEL, Math.max(1, Math.ceil(expectEveryMs / 2)), 'up');
      this.checkSlot = this.checkGroup.join(this);
    }
  }

  received(): void {
    this.receivedCount++;
  }

  sent(): void {
    this.sentCount++;
  }

  stop(): void {
    this.sendGroup?.leave(this, this.sendSlot);
    this.checkGroup?.leave(this, this.checkSlot);
    this.sendGroup = this.checkGroup = undefined;
  }

  /** @internal the send wheel's turn for this monitor. */
  sendTick(): void {
    const quiet = this.sentCount === this.sentSeen && this.sendLooked;
    this.sendLooked = true;
    // Taken before the beat: the beat itself is what the next look sees, so an idle session beats every
    // other look (once per interval), not at every one.
    this.sentSeen = this.sentCount;
    if (quiet) this.host.heartbeatDue();
  }

  /** @internal the check wheel's turn for this monitor. */
  checkTick(): void {
    if (this.silentTicks < 0 || this.receivedCount !== this.receivedSeen) this.silentTicks = 0;
    else this.silentTicks++;
    this.receivedSeen = this.receivedCount;
    if (this.silentTicks >= SILENT_TICKS) this.host.heartbeatSilent();
  }
}

/** Quiet looks (half an interval apart) before a client is declared dead: two whole intervals. */
const SILENT_TICKS = 4;
/** Slots per wheel: a member is looked at once per period, in its slot's turn. */
const MAX_SLOTS = 16;
const MIN_STEP_MS = 10;

/**
 * The members of one period: `slots` sets, visited one per `period / slots` ms, so each member is
 * visited once per (rounded) period. The timer exists only while the group has members.
 */
class WheelGroup {
  private readonly slots: Set<HeartbeatMonitor>[];
  private readonly stepMs: number;
  private timer?: NodeJS.Timeout;
  private cursor = 0;
  private nextSlot = 0;
  private members = 0;

  constructor(
    periodMs: number,
    rounding: 'up' | 'down',
    private readonly visit: (monitor: HeartbeatMonitor) => void,
    /** Called when the last member leaves: a group of a period nobody uses is not kept. */
    private readonly emptied: () => void,
  ) {
    // Steps of at least MIN_STEP_MS, so that rounding a step to whole ms moves the period by little.
    const slots = Math.max(1, Math.min(MAX_SLOTS, Math.floor(periodMs / MIN_STEP_MS)));
    const step = periodMs / slots;
    this.stepMs = Math.max(1, rounding === 'up' ? Math.ceil(step) : Math.floor(step));
    this.slots = Array.from({ length: slots }, () => new Set<HeartbeatMonitor>());
  }

  join(monitor: HeartbeatMonitor): number {
    const slot = this.nextSlot;
    this.nextSlot = (slot + 1) % this.slots.length;
    this.slots[slot].add(monitor);
    if (this.members++ === 0) {
      this.timer = setInterval(() => this.turn(), this.stepMs);
      this.timer.unref();
    }
    return slot;
  }

  leave(monitor: HeartbeatMonitor, slot: number): void {
    if (!this.slots[slot].delete(monitor)) return;
    if (--this.members === 0) {
      clearInterval(this.timer);
      this.timer = undefined;
      this.emptied();
    }
  }

  private turn(): void {
    const slot = this.slots[this.cursor];
    this.cursor = (this.cursor + 1) % this.slots.length;
    // A visit may end its session (and so leave this set) or another's: Set iteration tolerates both.
    // One session's fault (a throwing write) must not skip the rest of the slot or escape the timer.
    for (const monitor of slot) {
      try {
        this.visit(monitor);
      } catch {
        monitor.stop();
      }
    }
  }
}

type Wheel = Map<string, WheelGroup>;
const SEND_WHEEL: Wheel = new Map();
const CHECK_WHEEL: Wheel = new Map();

function wheelGroup(wheel: Wheel, periodMs: number, rounding: 'up' | 'down'): WheelGroup {
  const key = `${periodMs}/${rounding}`;
  let group = wheel.get(key);
  if (!group) {
    // Periods come from what clients ask for, so a group lives only while it has members: any number of
    // distinct heart-beat values over time leaves nothing behind.
    const created: WheelGroup = new WheelGroup(periodMs, rounding, wheel === SEND_WHEEL ? visitSend : visitCheck, () => {
      if (wheel.get(key) === created) wheel.delete(key);
    });
    group = created;
    wheel.set(key, group);
  }
  return group;
}

function visitSend(monitor: HeartbeatMonitor): void {
  monitor.sendTick();
}

function visitCheck(monitor: HeartbeatMonitor): void {
  monitor.checkTick();
}

/** @internal for tests: how many periods have a group now. */
export function heartbeatWheelGroups(): number {
  return SEND_WHEEL.size + CHECK_WHEEL.size;
}
