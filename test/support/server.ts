import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

export interface RunningServer {
  port: number;
  /** http://127.0.0.1:PORT (https:// when TLS_CERT_FILE and TLS_KEY_FILE are set) */
  url: string;
  /** ws://127.0.0.1:PORT (wss://) */
  wsUrl: string;
  /** STOMP_TCP_PORT and STOMP_TLS_PORT as the server bound them (0 resolved), when set. */
  tcpPort?: number;
  tlsPort?: number;
  process: ChildProcess;
  /** Everything the server printed so far. */
  output(): string;
  /** SIGTERM, then waits for exit; resolves with the exit code. */
  stop(): Promise<number | null>;
  /** SIGKILL, then waits for exit. */
  kill(): Promise<void>;
}

const MAIN = join(__dirname, '..', '..', 'apps', 'chat-server', 'src', 'main.js');

/** Servers still running when the test process ends (a test that timed out) go with it. */
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});
const LISTENING = /listening on (https?):\/\/[^\s:]+:(\d+)/;
const portOf = (out: string, scheme: string) => {
  const m = new RegExp(`listening on ${scheme.replace('+', '\\+')}://[^\\s:]+:(\\d+)`).exec(out);
  return m ? Number(m[1]) : undefined;
};

/**
 * Starts the real server (dist build) as a child process on a free port, as a user would run it.
 * Defaults: HOST=127.0.0.1, PORT=0, DATABASE_URL=sqlite::memory:; `env` overrides. The start timeout is
 * generous: on a machine shared by many test runs, loading the app alone can take 20 s.
 */
export async function startServer(env: Record<string, string> = {}, timeoutMs = 60_000): Promise<RunningServer> {
  const child = spawn(process.execPath, ['--enable-source-maps', MAIN], {
    env: { ...process.env, HOST: '127.0.0.1', PORT: '0', DATABASE_URL: 'sqlite::memory:', NO_COLOR: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  running.add(child);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => {
    running.delete(child);
    resolve(code);
  }));
  let scheme = 'http';
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => {
      // A server that did not come up is not left running behind the failed test.
      child.kill('SIGKILL');
      reject(new Error(`server did not start in ${timeoutMs} ms:\n${out}`));
    }, timeoutMs);
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      const m = LISTENING.exec(out);
      if (m) {
        clearTimeout(timer);
        scheme = m[1]!;
        resolve(Number(m[2]));
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code} before listening:\n${out}`));
    });
  });
  return {
    port,
    url: `${scheme}://127.0.0.1:${port}`,
    wsUrl: `${scheme === 'https' ? 'wss' : 'ws'}://127.0.0.1:${port}`,
    // The server prints these lines before the HTTP one.
    tcpPort: portOf(out, 'stomp'),
    tlsPort: portOf(out, 'stomp+ssl'),
    process: child,
    output: () => out,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      return exited;
    },
    kill: async () => {
      if (child.exitCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}
