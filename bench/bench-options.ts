/** Command-line flags of `node dist/bench/run.js`; every size and duration is bounded. */

export const SCENARIOS = ['fanout', 'bodies', 'rooms', 'idle', 'idle-doors', 'cluster', 'presence', 'scale'] as const;
export type ScenarioName = (typeof SCENARIOS)[number];
/** What a plain run (and `all`) runs: scale takes ~2 min per target, so it runs only when named. */
export const DEFAULT_SCENARIOS: ScenarioName[] = SCENARIOS.filter((s) => s !== 'scale');
/** The doors of `idle-doors` besides STOMP over ws (which is `idle`). */
export const DOORS = ['sockjs-ws', 'sockjs-xhr-streaming', 'sse', 'long-poll', 'plain-ws'] as const;
export type DoorName = (typeof DOORS)[number];
/** Standalone benches by other hands, run after ours when built (see extra-benches.ts). */
export const EXTRAS = ['store', 'idle-http'] as const;
export type ExtraName = (typeof EXTRAS)[number];
/**
 * bare: the `ws` ceiling; socketio: a Socket.IO 4 room emit; ours: our server on plain broker topics;
 * stored: our server with every message sent to `/app/rooms/..` (validated, stored, receipted).
 */
export const TARGETS = ['bare', 'socketio', 'ours', 'stored'] as const;
export type TargetName = (typeof TARGETS)[number];

export interface BenchOptions {
  scenarios: ScenarioName[];
  extras: ExtraName[];
  /** true when the extras were asked for by name (then a missing one is an error, not a skip). */
  extrasNamed: boolean;
  targets: TargetName[];
  workers: number;
  bodyBytes: number;
  /** fan-out */
  subscribers: number;
  rate: number;
  durationS: number;
  ramp: boolean;
  rampStepS: number;
  rampMaxP99Ms: number;
  rampMaxRate: number;
  /** many rooms */
  rooms: number;
  roomSize: number;
  roomRate: number;
  /** idle */
  idle: number;
  idleHoldS: number;
  heartbeatMs: number;
  /** idle-doors: which doors */
  doors: DoorName[];
  /** presence and typing in one room */
  presenceUsers: number;
  presenceJoinRate: number;
  presenceTypers: number;
  presenceTypingMs: number;
  presenceIdleS: number;
  /** cost against rooms and sessions: the grid, and the deliveries/s offered at every point of it */
  scaleRooms: number[];
  scaleSessions: number[];
  scaleDeliveries: number;
  scaleDurationS: number;
  json?: string;
}

export const DEFAULTS: BenchOptions = {
  scenarios: [...DEFAULT_SCENARIOS],
  extras: [...EXTRAS],
  extrasNamed: false,
  targets: [...TARGETS],
  workers: 2,
  bodyBytes: 128,
  subscribers: 1000,
  rate: 20,
  durationS: 10,
  ramp: true,
  rampStepS: 3,
  rampMaxP99Ms: 100,
  rampMaxRate: 1000,
  rooms: 200,
  roomSize: 10,
  roomRate: 1,
  idle: 10_000,
  idleHoldS: 12,
  heartbeatMs: 10_000,
  doors: [...DOORS],
  presenceUsers: 1000,
  presenceJoinRate: 50,
  presenceTypers: 100,
  // The server lets one typing event per user and second pass; sending exactly every 1,000 ms would see
  // about every other one dropped by timer jitter, so typists send just outside the window.
  presenceTypingMs: 1100,
  presenceIdleS: 10,
  scaleRooms: [10, 10_000],
  scaleSessions: [100, 10_000],
  // The stored chat at one subscriber per room is 2,000 stored messages/s: about what it holds on two
  // cores shared with the generator.
  scaleDeliveries: 2_000,
  scaleDurationS: 6,
};

export const USAGE = `usage: node dist/bench/run.js [flags]
  --scenario fanout,bodies,rooms,idle,idle-doors,cluster,presence,scale|all  which scenarios (default all:
                                     every one but scale); store and idle-http name the standalone benches
                                     (bench/*.bench.ts), which \`all\` runs if built
  --target LIST|all|both             servers, comma-separated: bare (the ws ceiling), socketio (a
                                     Socket.IO room emit), ours (plain /topic), stored (our /app/rooms:
                                     validated, stored, receipted); default all; both = bare,ours
  --workers N                        load-generator processes (default 2)
  --body BYTES                       message body size (default 128)
  --subscribers N                    fan-out subscribers (default 1000)
  --rate MSG_PER_S                   fan-out fixed publish rate (default 20, i.e. 20,000 deliveries/s)
  --duration S                       length of the fixed-rate phases (default 10)
  --no-ramp                          skip the fan-out ramp
  --ramp-step S                      length of one ramp step (default 3)
  --ramp-max-p99 MS                  the ramp's latency bound (default 100)
  --ramp-max-rate MSG_PER_S          where the ramp stops anyway (default 1000)
  --rooms N --room-size N            many rooms: N destinations of N connections (default 200 x 10)
  --room-rate MSG_PER_S              messages per connection per second (default 1)
  --idle N                           idle sessions (default 10000)
  --idle-hold S                      how long they stay idle before memory is read (default 12)
  --heartbeat MS                     heart-beat each way (default 10000)
  --doors LIST                       idle-doors: ${DOORS.join(',')} (default all), --idle of each
  --presence-users N                 presence: named users in one room (default 1000)
  --presence-join-rate N             presence: joins per second, one after another (default 50)
  --presence-typers N                presence: users typing during the typing phase (default 100)
  --presence-typing-interval MS      presence: each typist's "typing" SEND period (default 1100; the
                                     server passes one per user and second); the phase lasts --duration
  --presence-idle S                  presence: how long the present users then stay idle (default 10)
  --scale-rooms LIST --scale-sessions LIST  scale: the grid (default 10,10000 x 100,10000; at each point
                                     one of rooms and sessions divides the other)
  --scale-deliveries N               scale: deliveries/s offered at every grid point (default 2000)
  --scale-duration S                 scale: length of each point's measured phase (default 6)
  --json FILE                        also write the results as JSON
  (env BENCH_CPU_PROF=DIR: each server process writes a V8 CPU profile into DIR when it stops)
Progress (every phase as it finishes) goes to stderr, the table to stdout.`;

export class OptionsError extends Error {
  override readonly name = 'OptionsError';
}

const INTEGER_FLAGS: Record<string, [keyof BenchOptions, number, number]> = {
  '--workers': ['workers', 1, 32],
  '--body': ['bodyBytes', 32, 60_000],
  '--subscribers': ['subscribers', 1, 50_000],
  '--duration': ['durationS', 1, 120],
  '--ramp-step': ['rampStepS', 1, 60],
  '--ramp-max-p99': ['rampMaxP99Ms', 1, 60_000],
  '--ramp-max-rate': ['rampMaxRate', 1, 100_000],
  '--rooms': ['rooms', 1, 10_000],
  '--room-size': ['roomSize', 1, 1_000],
  '--idle': ['idle', 1, 60_000],
  '--idle-hold': ['idleHoldS', 0, 120],
  '--heartbeat': ['heartbeatMs', 0, 60_000],
  '--presence-users': ['presenceUsers', 1, 20_000],
  '--presence-typers': ['presenceTypers', 0, 20_000],
  '--presence-typing-interval': ['presenceTypingMs', 100, 60_000],
  '--presence-idle': ['presenceIdleS', 0, 120],
  '--scale-deliveries': ['scaleDeliveries', 1, 200_000],
  '--scale-duration': ['scaleDurationS', 1, 120],
};
const LIST_FLAGS: Record<string, [keyof BenchOptions, number, number]> = {
  '--scale-rooms': ['scaleRooms', 1, 20_000],
  '--scale-sessions': ['scaleSessions', 1, 20_000],
};
const NUMBER_FLAGS: Record<string, [keyof BenchOptions, number, number]> = {
  '--rate': ['rate', 0.1, 100_000],
  '--room-rate': ['roomRate', 0.01, 1_000],
  '--presence-join-rate': ['presenceJoinRate', 1, 2_000],
};

export function parseOptions(argv: string[]): BenchOptions {
  const options: BenchOptions = {
    ...DEFAULTS, scenarios: [...DEFAULTS.scenarios], extras: [...DEFAULTS.extras], targets: [...DEFAULTS.targets], doors: [...DEFAULTS.doors],
  };
  const values = options as unknown as Record<string, unknown>;
  for (let i = 0; i < argv.length; i++) {
    const raw = argv[i];
    const eq = raw.indexOf('=');
    const flag = raw.startsWith('--') && eq > 0 ? raw.slice(0, eq) : raw;
    const value = (): string => {
      const v = eq > 0 && raw.startsWith('--') ? raw.slice(eq + 1) : argv[++i];
      if (v === undefined) throw new OptionsError(`${flag} needs a value`);
      return v;
    };
    if (flag === '--no-ramp') options.ramp = false;
    else if (flag === '--json') options.json = value();
    else if (flag === '--scenario' || flag === '--scenarios') Object.assign(options, parseScenarios(value()));
    else if (flag === '--target' || flag === '--targets') options.targets = parseTargets(value());
    else if (flag in LIST_FLAGS) {
      const [key, min, max] = LIST_FLAGS[flag];
      const text = value();
      const list = text.split(',').map((x) => Number(x.trim()));
      if (list.length === 0 || list.some((n) => !Number.isInteger(n) || n < min || n > max)) {
        throw new OptionsError(`${flag} must be integers from ${min} to ${max}, comma-separated, not "${text}"`);
      }
      values[key] = list;
    }
    else if (flag === '--doors' || flag === '--door') options.doors = parseDoors(value());
    else if (flag in INTEGER_FLAGS || flag in NUMBER_FLAGS) {
      const [key, min, max] = INTEGER_FLAGS[flag] ?? NUMBER_FLAGS[flag];
      const text = value();
      const n = Number(text);
      const integer = flag in INTEGER_FLAGS;
      if (!Number.isFinite(n) || (integer && !Number.isInteger(n)) || n < min || n > max) {
        throw new OptionsError(`${flag} must be ${integer ? 'an integer' : 'a number'} from ${min} to ${max}, not "${text}"`);
      }
      values[key] = n;
    } else throw new OptionsError(`unknown flag "${raw}"`);
  }
  return options;
}

function parseScenarios(text: string): Pick<BenchOptions, 'scenarios' | 'extras' | 'extrasNamed'> {
  if (text === 'all') return { scenarios: [...DEFAULT_SCENARIOS], extras: [...EXTRAS], extrasNamed: false };
  const names = text.split(',').map((s) => s.trim()).filter(Boolean);
  if (names.length === 0) throw new OptionsError('--scenario needs at least one name');
  const scenarios: ScenarioName[] = [];
  const extras: ExtraName[] = [];
  for (const name of names) {
    if ((SCENARIOS as readonly string[]).includes(name)) scenarios.push(name as ScenarioName);
    else if ((EXTRAS as readonly string[]).includes(name)) extras.push(name as ExtraName);
    else throw new OptionsError(`unknown scenario "${name}"; use ${[...SCENARIOS, ...EXTRAS].join(', ')} or all`);
  }
  return { scenarios, extras, extrasNamed: true };
}

function parseDoors(text: string): DoorName[] {
  const names = text.split(',').map((s) => s.trim()).filter(Boolean);
  const unknown = names.find((n) => !(DOORS as readonly string[]).includes(n));
  if (names.length === 0 || unknown !== undefined) throw new OptionsError(`unknown door "${unknown ?? text}"; use ${DOORS.join(', ')}`);
  return names as DoorName[];
}

function parseTargets(text: string): TargetName[] {
  if (text === 'both') return ['bare', 'ours'];
  if (text === 'all') return [...TARGETS];
  const names = text.split(',').map((s) => s.trim()).filter(Boolean);
  const unknown = names.find((n) => !(TARGETS as readonly string[]).includes(n));
  if (names.length === 0 || unknown !== undefined) {
    throw new OptionsError(`unknown target "${unknown ?? text}"; use ${TARGETS.join(', ')}, all or both`);
  }
  return names as TargetName[];
}
