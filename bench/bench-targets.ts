/** The servers each scenario runs against, and how a scenario's topic maps onto each one. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { TargetName } from './bench-options';
import type { ServerSpec } from './server-process';

/** The repository root, seen from dist/bench/. */
export const REPO_ROOT = join(__dirname, '..', '..');
const OURS_SCRIPT = join(REPO_ROOT, 'dist', 'apps', 'chat-server', 'src', 'main.js');
const SCRIPTS: Record<TargetName, string> = {
  bare: join(__dirname, 'bare-ws-server.js'),
  socketio: join(__dirname, 'socketio-server.js'),
  ours: OURS_SCRIPT,
  stored: OURS_SCRIPT,
};

export const TARGET_LABELS: Record<TargetName, string> = {
  bare: 'bare ws', socketio: 'socket.io', ours: 'ours', stored: 'ours stored',
};

/** Which client library the load generator speaks to a target with. */
export type ClientKind = 'stomp' | 'socketio';

/** Where one scenario topic is subscribed and published on a target, and in what body. */
export interface Route {
  subscribe: string;
  publish: string;
  /** chat-json: `{"from","text": payload}`, as a chat client sends to `/app/rooms/..`; raw: the payload itself. */
  body: 'raw' | 'chat-json';
}

/**
 * A scenario names plain topics (`/topic/bench`). The stored target sends the same load through the chat:
 * to `/app/rooms/bench` with a receipt, subscribed on `/topic/rooms/bench`, so every message is validated,
 * stored (group commit) and rendered as the stored message before the fan-out.
 */
export function routeFor(target: TargetName, topic: string): Route {
  if (target !== 'stored') return { subscribe: topic, publish: topic, body: 'raw' };
  const room = topic.slice(topic.lastIndexOf('/') + 1);
  return { subscribe: `/topic/rooms/${room}`, publish: `/app/rooms/${room}`, body: 'chat-json' };
}

export function clientKind(target: TargetName): ClientKind {
  return target === 'socketio' ? 'socketio' : 'stomp';
}

/** Why a target cannot run, or null when it can. */
export function unavailable(target: TargetName): string | null {
  return existsSync(SCRIPTS[target]) ? null : `${SCRIPTS[target]} is not built`;
}

export function serverSpec(target: TargetName, connections: number, heartbeatMs: number): ServerSpec {
  const common = { PORT: '0', HOST: '127.0.0.1', HEARTBEAT_MS: String(heartbeatMs) };
  const fds = connections + 512;
  // BENCH_CPU_PROF=DIR: every server writes a V8 CPU profile there when it stops (open it in Chrome's DevTools).
  const profileDir = process.env.BENCH_CPU_PROF;
  const nodeArgs = ['--expose-gc', '-r', join(__dirname, 'gc-on-signal.js'), ...(profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [])];
  const base = { label: TARGET_LABELS[target], script: SCRIPTS[target], fds, client: clientKind(target), nodeArgs };
  if (target === 'bare' || target === 'socketio') return { ...base, env: common, startTimeoutMs: 10_000 };
  return {
    ...base,
    env: {
      ...common,
      DATABASE_URL: 'sqlite::memory:',
      // The bench publishes far above a chat user's pace on purpose; the per-session limit would cap it.
      RATE_LIMIT_PER_SEC: '0',
      // Every bench connection comes from 127.0.0.1; the per-address cap (default 1000) would refuse most.
      MAX_CONNECTIONS_PER_IP: '0',
    },
    startTimeoutMs: 30_000,
  };
}
