/**
 * `npm run bench`: runs each selected scenario against the bare `ws` ceiling, Socket.IO and our server
 * (plain topics, and the stored chat), each in its own fresh server process, and prints one table (see
 * bench/README.md for how to read it).
 */
import { writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { OptionsError, parseOptions, USAGE, type BenchOptions, type ScenarioName, type TargetName } from './bench-options';
import { TARGET_LABELS, unavailable } from './bench-targets';
import { extraBenchAvailable, extraBenchScript, runExtraBench } from './extra-benches';
import { fdLimitFor } from './proc-stats';
import { renderResults, type ResultRow } from './results-table';
import { runBodies } from './scenarios/bodies.scenario';
import { runCluster } from './scenarios/cluster.scenario';
import { runFanout } from './scenarios/fanout.scenario';
import { runIdle } from './scenarios/idle.scenario';
import { runIdleDoors } from './scenarios/idle-doors.scenario';
import type { Log } from './scenarios/phase-row';
import { runPresence } from './scenarios/presence.scenario';
import { runRooms } from './scenarios/rooms.scenario';
import { runScale } from './scenarios/scale.scenario';
import { killRunningServers } from './server-process';

const RUNNERS: Record<ScenarioName, (t: TargetName, o: BenchOptions, log: Log) => Promise<ResultRow[]>> = {
  fanout: runFanout,
  bodies: runBodies,
  rooms: runRooms,
  idle: runIdle,
  'idle-doors': runIdleDoors,
  cluster: runCluster,
  presence: runPresence,
  scale: runScale,
};
const KEYS: Record<ScenarioName, string> = {
  fanout: 'fanout-fixed', bodies: 'bodies', rooms: 'rooms', idle: 'idle', 'idle-doors': 'idle-doors', cluster: 'cluster-fixed', presence: 'presence-join',
  scale: 'scale-fit',
};

/** However the scenarios behave, the whole run ends by then. */
const RUN_LIMIT_MS = 30 * 60_000;
/** Each standalone bench gets this long. */
const EXTRA_LIMIT_MS = 5 * 60_000;

function log(line: string): void {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${line}\n`);
}

async function main(): Promise<number> {
  let options: BenchOptions;
  const argv = process.argv.slice(2);
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(USAGE);
    return 0;
  }
  try {
    options = parseOptions(argv);
  } catch (err) {
    if (!(err instanceof OptionsError)) throw err;
    console.error(`${err.message}\n\n${USAGE}`);
    return 2;
  }

  const biggest = Math.max(options.idle, options.subscribers + 1, options.rooms * options.roomSize, options.presenceUsers,
    ...(options.scenarios.includes('scale') ? options.scaleSessions : []));
  const fdLimit = fdLimitFor(biggest + 512);
  log(`${cpus().length} cores, load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}, node ${process.version}, ` +
    `${options.workers} load workers, fd limit for children ${fdLimit}`);
  if (fdLimit < biggest + 512) log(`warning: ${biggest} connections need ~${biggest + 512} fds; the hard limit is lower`);

  const rows: ResultRow[] = [];
  for (const scenario of options.scenarios) {
    for (const target of options.targets) {
      const why = unavailable(target);
      if (why) {
        rows.push({ key: KEYS[scenario], scenario, target: TARGET_LABELS[target], notes: [], failed: `skipped: ${why}` });
        continue;
      }
      log(`${scenario} against ${TARGET_LABELS[target]}`);
      try {
        rows.push(...await RUNNERS[scenario](target, options, log));
      } catch (err) {
        const failed = err instanceof Error ? err.message : String(err);
        rows.push({ key: KEYS[scenario], scenario, target: TARGET_LABELS[target], notes: [], failed });
      }
    }
  }

  if (rows.length > 0) {
    console.log('');
    console.log(renderResults(rows));
    console.log('\nCPU% is of one core (200% = both cores of a 2-core machine); the generator shares the machine.');
  }
  if (options.json) {
    writeFileSync(options.json, JSON.stringify({ options, cores: cpus().length, loadavg: loadavg(), rows }, null, 2));
    log(`results written to ${options.json}`);
  }
  let failed = rows.some((r) => r.failed && !r.failed.startsWith('skipped'));

  for (const extra of options.extras) {
    if (!extraBenchAvailable(extra)) {
      if (options.extrasNamed) {
        console.error(`\n${extra}: ${extraBenchScript(extra)} is not built`);
        failed = true;
      }
      continue;
    }
    console.log(`\n== ${extra} (${extraBenchScript(extra)}) ==`);
    if ((await runExtraBench(extra, EXTRA_LIMIT_MS)) !== 0) failed = true;
  }
  return failed ? 1 : 0;
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    killRunningServers();
    process.exit(130);
  });
}
const deadline = setTimeout(() => {
  log(`the run exceeded ${RUN_LIMIT_MS / 60_000} minutes; stopping`);
  killRunningServers();
  process.exit(1);
}, RUN_LIMIT_MS);
deadline.unref();

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err);
    killRunningServers();
    process.exit(1);
  },
);
