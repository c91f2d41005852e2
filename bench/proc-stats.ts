/**
 * What the orchestrator reads about other processes from Linux's /proc, and how it launches them with
 * enough file descriptors. 10,000 idle sessions need 10,000 fds in the server and as many again,
 * spread over the workers, on the client side.
 */
import { execFileSync, spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** Resident set size of `pid` in bytes (VmRSS), or NaN when it cannot be read (not Linux, gone). */
export function rssBytes(pid: number): number {
  try {
    const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) * 1024 : NaN;
  } catch {
    return NaN;
  }
}

let clockTicks: number | undefined;
function ticksPerSecond(): number {
  if (clockTicks === undefined) {
    try {
      clockTicks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      clockTicks = 100;
    }
  }
  return clockTicks;
}

/** CPU seconds (user + system) that `pid` has used so far, or NaN. */
export function cpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name may contain spaces and parentheses: fields are counted after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / ticksPerSecond();
  } catch {
    return NaN;
  }
}

let softLimit: number | undefined;
let hardLimit: number | undefined;
function fdLimits(): { soft: number; hard: number } {
  if (softLimit === undefined || hardLimit === undefined) {
    const read = (flag: string): number => {
      try {
        const out = execFileSync('bash', ['-c', `ulimit ${flag}`], { encoding: 'utf8' }).trim();
        return out === 'unlimited' ? Number.MAX_SAFE_INTEGER : Number(out) || 1024;
      } catch {
        return 1024;
      }
    };
    softLimit = read('-Sn');
    hardLimit = read('-Hn');
  }
  return { soft: softLimit, hard: hardLimit };
}

/** The fd limit a child needing `fds` descriptors will get (may be below `fds`: then say so). */
export function fdLimitFor(fds: number): number {
  const { soft, hard } = fdLimits();
  return soft >= fds ? soft : Math.min(hard, Math.max(fds, 65536));
}

/**
 * Spawns `node script` and, when this process's soft fd limit is below `fds`, raises the child's limit
 * through `bash -c 'ulimit -n N; exec node ...'` (exec keeps the pid and any IPC channel).
 */
export function spawnNode(script: string, args: string[], fds: number, options: SpawnOptions, nodeArgs: string[] = []): ChildProcess {
  const { soft } = fdLimits();
  if (soft >= fds) return spawn(process.execPath, [...nodeArgs, script, ...args], options);
  const limit = fdLimitFor(fds);
  return spawn('bash', ['-c', `ulimit -n ${limit} 2>/dev/null; exec "$0" "$@"`, process.execPath, ...nodeArgs, script, ...args], options);
}
