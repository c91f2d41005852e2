/** The two servers each scenario runs against: the bare `ws` ceiling and our chat server. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { TargetName } from './bench-options';
import type { ServerSpec } from './server-process';

/** The repository root, seen from dist/bench/. */
export const REPO_ROOT = join(__dirname, '..', '..');
const OURS_SCRIPT = join(REPO_ROOT, 'dist', 'apps', 'chat-server', 'src', 'main.js');
const BARE_SCRIPT = join(__dirname, 'bare-ws-server.js');

export const TARGET_LABELS: Record<TargetName, string> = { bare: 'bare ws', ours: 'ours' };

/** Why a target cannot run, or null when it can. */
export function unavailable(target: TargetName): string | null {
  const script = target === 'ours' ? OURS_SCRIPT : BARE_SCRIPT;
  return existsSync(script) ? null : `${script} is not built`;
}

export function serverSpec(target: TargetName, connections: number, heartbeatMs: number): ServerSpec {
  const common = { PORT: '0', HOST: '127.0.0.1', HEARTBEAT_MS: String(heartbeatMs) };
  const fds = connections + 512;
  if (target === 'bare') {
    return { label: TARGET_LABELS.bare, script: BARE_SCRIPT, env: common, fds, startTimeoutMs: 10_000 };
  }
  return {
    label: TARGET_LABELS.ours,
    script: OURS_SCRIPT,
    env: {
      ...common,
      DATABASE_URL: 'sqlite::memory:',
      // The bench publishes far above a chat user's pace on purpose; the per-session limit would cap it.
      RATE_LIMIT_PER_SEC: '0',
      // Every bench connection comes from 127.0.0.1; the per-address cap (default 1000) would refuse most.
      MAX_CONNECTIONS_PER_IP: '0',
    },
    fds,
    startTimeoutMs: 30_000,
  };
}
