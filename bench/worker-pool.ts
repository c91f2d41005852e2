/**
 * The orchestrator's side of the load-worker processes: fork them, split connections between them,
 * and turn the IPC request/reply pairs into promises with deadlines.
 */
import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { spawnNode } from './proc-stats';
import type {
  OpenCommand, OpenResult, PublishCommand, PublishResult, RequestCommand, RequestResult, StatsResult, SubscribeCommand,
  SubscribeResult, WorkerCommand, WorkerReply,
} from './worker-protocol';

type CommandBody = OpenCommand | PublishCommand | SubscribeCommand | RequestCommand | { kind: 'stats'; phase: number } | { kind: 'close' };

class WorkerHandle {
  private nextReqId = 1;
  private readonly pending = new Map<number, { resolve: (r: unknown) => void; reject: (e: Error) => void }>();
  private exitReason?: string;

  constructor(readonly index: number, readonly child: ChildProcess) {
    child.on('message', (reply: WorkerReply) => {
      const waiter = this.pending.get(reply.reqId);
      if (!waiter) return;
      this.pending.delete(reply.reqId);
      if (reply.ok) waiter.resolve(reply.result);
      else waiter.reject(new Error(`worker ${index}: ${reply.error}`));
    });
    child.once('exit', (code, signal) => {
      this.exitReason = `worker ${index} exited (${signal ?? code})`;
      for (const w of this.pending.values()) w.reject(new Error(this.exitReason));
      this.pending.clear();
    });
  }

  request<T>(body: CommandBody, timeoutMs: number): Promise<T> {
    if (this.exitReason) return Promise.reject(new Error(this.exitReason));
    const reqId = this.nextReqId++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(reqId);
        reject(new Error(`worker ${this.index}: no answer to "${body.kind}" within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(reqId, {
        resolve: (r) => { clearTimeout(timer); resolve(r as T); },
        reject: (e) => { clearTimeout(timer); reject(e); },
      });
      this.child.send({ ...body, reqId } as WorkerCommand);
    });
  }
}

export class WorkerPool {
  private constructor(private readonly workers: WorkerHandle[]) {}

  /** Forks `count` workers, each allowed `fdsPerWorker` descriptors. */
  static start(count: number, fdsPerWorker: number): WorkerPool {
    const script = join(__dirname, 'load-worker.js');
    const workers = Array.from({ length: count }, (_, i) =>
      new WorkerHandle(i, spawnNode(script, [], fdsPerWorker, { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })));
    return new WorkerPool(workers);
  }

  get size(): number {
    return this.workers.length;
  }

  open(index: number, cmd: Omit<OpenCommand, 'kind'>, timeoutMs: number): Promise<OpenResult> {
    return this.workers[index].request<OpenResult>({ kind: 'open', ...cmd }, timeoutMs);
  }

  publish(index: number, cmd: Omit<PublishCommand, 'kind'>): Promise<PublishResult> {
    return this.workers[index].request<PublishResult>({ kind: 'publish', ...cmd }, cmd.durationMs + 30_000);
  }

  subscribe(index: number, cmd: Omit<SubscribeCommand, 'kind'>): Promise<SubscribeResult> {
    return this.workers[index].request<SubscribeResult>({ kind: 'subscribe', ...cmd }, cmd.timeoutMs + 5_000);
  }

  request(index: number, cmd: Omit<RequestCommand, 'kind'>): Promise<RequestResult> {
    return this.workers[index].request<RequestResult>({ kind: 'request', ...cmd }, cmd.timeoutMs + 5_000);
  }

  statsAll(phase: number): Promise<StatsResult[]> {
    return Promise.all(this.workers.map((w) => w.request<StatsResult>({ kind: 'stats', phase }, 15_000)));
  }

  /** Asks every worker to close its sockets, then makes sure every worker process is gone. */
  async stop(): Promise<void> {
    await Promise.allSettled(this.workers.map((w) => w.request({ kind: 'close' }, 20_000)));
    await Promise.all(this.workers.map((w) => new Promise<void>((resolve) => {
      if (w.child.exitCode !== null || w.child.signalCode !== null) return resolve();
      w.child.once('exit', () => resolve());
      w.child.disconnect?.();
      setTimeout(() => w.child.kill('SIGKILL'), 5_000).unref();
    })));
  }
}

/** Splits `items` into `parts` contiguous slices of nearly equal length. */
export function split<T>(items: T[], parts: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < parts; i++) {
    out.push(items.slice(Math.floor((i * items.length) / parts), Math.floor(((i + 1) * items.length) / parts)));
  }
  return out;
}
