/**
 * The idle table for every other door of the same server (CONTRACT: SockJS at /chat, SSE, long polling,
 * the plain WebSocket): N connections of one door at a time, each on a fresh server process, held idle,
 * memory per connection read as in `idle`. The bare target holds the same SSE streams, polls and plain
 * sockets with nothing around them (bare-ws-server.ts), so each of those rows has its own ceiling; the
 * SockJS rows are compared with bare STOMP over ws (its websocket transport) and the bare SSE stream
 * (xhr-streaming is a held streaming response too).
 */
import type { BenchOptions, DoorName, TargetName } from '../bench-options';
import { split } from '../load-session';
import type { ResultRow } from '../results-table';
import type { ClientKind } from '../worker-protocol';
import { holdIdle, PER_DESTINATION } from './idle.scenario';
import type { Log } from './phase-row';

interface DoorPlan {
  client: ClientKind;
  label: string;
  what: string;
  /** Which targets serve this door. */
  targets: readonly TargetName[];
  /** The endpoint under the server's origin. */
  path: string;
  referenceKey?: string;
  notes?: (o: BenchOptions) => string[];
}

const PLANS: Record<DoorName, DoorPlan> = {
  'sockjs-ws': {
    client: 'sockjs-ws', label: 'SockJS websocket sessions', what: 'sessions', targets: ['ours'], path: '/chat', referenceKey: 'idle',
  },
  'sockjs-xhr-streaming': {
    client: 'sockjs-xhr-streaming', label: 'SockJS xhr-streaming sessions', what: 'sessions', targets: ['ours'], path: '/chat',
    referenceKey: 'idle-sse',
    // A client heart-beat would be one xhr_send POST per session and interval: 1,000s of requests a second.
    notes: (o) => [`CONNECT heart-beat 0,${o.heartbeatMs}: the server beats, the client sends none (each would be an xhr_send POST)`],
  },
  sse: { client: 'sse', label: 'SSE streams', what: 'streams', targets: ['bare', 'ours'], path: '' },
  'long-poll': {
    client: 'long-poll', label: 'held long polls', what: 'polls', targets: ['bare', 'ours'], path: '',
    notes: () => ['each poll asks timeout=60 and is sent again when answered'],
  },
  'plain-ws': { client: 'plain-ws', label: 'plain WebSockets /ws/chat', what: 'sockets', targets: ['bare', 'ours'], path: '' },
};

export async function runIdleDoors(target: TargetName, o: BenchOptions, log: Log): Promise<ResultRow[]> {
  const rows: ResultRow[] = [];
  for (const door of o.doors) {
    const plan = PLANS[door];
    if (!plan.targets.includes(target)) continue;
    const stomp = plan.client === 'sockjs-ws' || plan.client === 'sockjs-xhr-streaming';
    // STOMP sessions subscribe as in `idle`; the other doors follow the room of the same name.
    const subscriptions = Array.from({ length: o.idle }, (_, i) => {
      const room = `bench-idle-${Math.floor(i / PER_DESTINATION)}`;
      return stomp ? `/topic/${room}` : room;
    });
    rows.push(await holdIdle(target, o, log, {
      key: `idle-${door}`,
      scenario: `idle ${o.idle} ${plan.label}`,
      what: plan.what,
      referenceKey: plan.referenceKey,
      notes: plan.notes?.(o),
      open: (session) => session.open(split(subscriptions, o.workers), undefined, undefined, {
        client: plan.client, url: session.server.origin + plan.path,
      }),
    }));
  }
  return rows;
}
