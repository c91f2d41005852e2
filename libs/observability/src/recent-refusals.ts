/** One refusal or fault about a connection, as the admin view lists it. */
export interface RefusalRecord {
  at: string;
  msg: string;
  context?: string;
  door?: string;
  user?: string;
  remoteAddress?: string;
  reason?: string;
  status?: number;
}

const FIELDS = ['door', 'user', 'remoteAddress', 'reason'] as const;

/**
 * The latest refusals (auth, origin, limits) and protocol faults, newest first, for the admin view. Every
 * door logs those as `warn` records that name a connection (AppLogger feeds them here), so this is one
 * tap on the one place they are decided, not a second bookkeeping per door. Bounded: a flood of
 * refusals costs `capacity` records, never more.
 */
export class RecentRefusals {
  private readonly ring: RefusalRecord[] = [];

  constructor(private readonly capacity = 100) {}

  /** Keeps a warn-level log record when it is about a connection (it names a door or an address). */
  note(message: unknown, context: string | undefined, now = new Date()): void {
    if (typeof message !== 'object' || message === null) return;
    const record = message as Record<string, unknown>;
    if (typeof record.msg !== 'string' || (record.door === undefined && record.remoteAddress === undefined)) return;
    const kept: RefusalRecord = { at: now.toISOString(), msg: record.msg.slice(0, 300) };
    if (context) kept.context = context;
    for (const field of FIELDS) if (typeof record[field] === 'string') kept[field] = (record[field] as string).slice(0, 200);
    if (typeof record.status === 'number') kept.status = record.status;
    this.ring.push(kept);
    if (this.ring.length > this.capacity) this.ring.shift();
  }

  list(): RefusalRecord[] {
    return [...this.ring].reverse();
  }
}

/** The process's one ring: the logger exists before Nest's container, so this is a module singleton. */
export const recentRefusals = new RecentRefusals();
