/**
 * A server under test, run as its own process so that its CPU and memory can be read from /proc
 * apart from the load generator's. Every target (our chat server, the bare `ws` ceiling, Socket.IO) announces
 * themselves with the contract's log line `listening on http://HOST:PORT`.
 */
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { cpuSeconds, rssBytes, spawnNode } from './proc-stats';

export interface ServerSpec {
  /** Shown in the table: `ours`, `bare ws`, `socket.io`. */
  label: string;
  /** The client the load generator speaks to it with. */
  client: 'stomp' | 'socketio';
  script: string;
  env: Record<string, string>;
  /** Descriptors the server will need (connections + slack). */
  fds: number;
  startTimeoutMs: number;
  /** Flags for node itself (`--cpu-prof`, which NODE_OPTIONS may not carry). */
  nodeArgs?: string[];
}

const LISTENING = /listening on http:\/\/(\[[^\]]+\]|[^\s:/]+):(\d+)/;
/** Lines of output kept for the error message when the server dies. */
const TAIL_LINES = 30;
/** Every server still running, so an interrupted bench can take them down with it. */
const running = new Set<ChildProcess>();

/** Kills every server this process started and that is still running (for SIGINT / a crash). */
export function killRunningServers(): void {
  for (const child of running) child.kill('SIGKILL');
  running.clear();
}

export class ServerProcess {
  private readonly tail: string[] = [];
  private exited = false;
  private gcReports = 0;
  private heapUsedAfterGc = NaN;

  private constructor(
    readonly label: string,
    private readonly child: ChildProcess,
    readonly port: number,
    readonly client: ServerSpec['client'],
  ) {
    child.once('exit', () => { this.exited = true; });
  }

  static async start(spec: ServerSpec, cwd: string): Promise<ServerProcess> {
    const child = spawnNode(spec.script, [], spec.fds, {
      cwd,
      env: { ...process.env, ...spec.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    }, spec.nodeArgs);
    running.add(child);
    child.once('exit', () => running.delete(child));
    const tail: string[] = [];
    const port = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`${spec.label}: no "listening on" line within ${spec.startTimeoutMs} ms\n${tail.join('\n')}`));
      }, spec.startTimeoutMs);
      const onLine = (chunk: Buffer): void => {
        for (const raw of chunk.toString('utf8').split('\n')) {
          // Nest colours its log even into a pipe.
          const line = raw.replace(/\x1b\[[0-9;]*m/g, '');
          if (!line.trim()) continue;
          tail.push(line);
          if (tail.length > TAIL_LINES) tail.shift();
          const match = LISTENING.exec(line);
          if (match) { clearTimeout(timer); resolve(Number(match[2])); }
        }
      };
      // Keep draining both pipes for the whole run: a full pipe would stall the server mid-measurement.
      child.stdout!.on('data', onLine);
      child.stderr!.on('data', onLine);
      child.once('error', (err) => { clearTimeout(timer); reject(err); });
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`${spec.label} exited (${signal ?? code}) before listening:\n${tail.join('\n')}`));
      });
    });
    const server = new ServerProcess(spec.label, child, port, spec.client);
    server.tail.push(...tail);
    const keep = (chunk: Buffer): void => {
      for (const line of chunk.toString('utf8').replace(/\x1b\[[0-9;]*m/g, '').split('\n')) {
        const gc = /^\[bench-gc\] heapUsed=(\d+)/.exec(line);
        if (gc) {
          server.heapUsedAfterGc = Number(gc[1]);
          server.gcReports++;
        } else if (line.trim()) server.tail.push(line);
      }
      server.tail.splice(0, Math.max(0, server.tail.length - TAIL_LINES));
    };
    child.stdout!.removeAllListeners('data').on('data', keep);
    child.stderr!.removeAllListeners('data').on('data', keep);
    return server;
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  get alive(): boolean {
    return !this.exited;
  }

  /** `http://127.0.0.1:PORT`: where the HTTP doors (SSE, long polls, SockJS, /ws/chat) are. */
  get origin(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get wsUrl(): string {
    return `ws://127.0.0.1:${this.port}/chat`;
  }

  /** What the load generator connects to: the STOMP WebSocket endpoint, or the Socket.IO origin. */
  get clientUrl(): string {
    return this.client === 'socketio' ? `http://127.0.0.1:${this.port}` : this.wsUrl;
  }

  /**
   * Asks the server for a full garbage collection (bench servers preload gc-on-signal.js) and resolves
   * with the JS heap in use after it (NaN when the server did not say within 5 s).
   */
  async collectGarbage(): Promise<number> {
    if (this.exited) return NaN;
    const asked = this.gcReports;
    this.child.kill('SIGUSR2');
    const until = Date.now() + 5_000;
    while (this.gcReports === asked && Date.now() < until && !this.exited) await new Promise((resolve) => setTimeout(resolve, 50));
    // The RSS the collection gave back settles a moment after it.
    await new Promise((resolve) => setTimeout(resolve, 500));
    return this.gcReports === asked ? NaN : this.heapUsedAfterGc;
  }

  rssBytes(): number {
    return rssBytes(this.pid);
  }

  cpuSeconds(): number {
    return cpuSeconds(this.pid);
  }

  /** The server's last lines of output (for a failure message). */
  recentOutput(): string {
    return this.tail.join('\n');
  }

  /** SIGTERM, then SIGKILL if it has not exited within `graceMs`. */
  async stop(graceMs = 10_000): Promise<void> {
    if (this.exited) return;
    const exited = once(this.child, 'exit');
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    await exited;
    clearTimeout(timer);
  }
}
