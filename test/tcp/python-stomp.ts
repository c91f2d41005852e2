import { execFile, spawnSync } from 'node:child_process';
import { join } from 'node:path';

/** The scenario lives beside this file's source (it is not compiled). */
export const SCENARIO = join(__dirname, '..', '..', '..', 'test', 'tcp', 'stomp-py-scenario.py');

/**
 * A Python that has Debian's python3-stomp: the system one first (a pyenv shim on PATH may not have
 * it). Throws when there is none, so a machine without the package fails the test rather than skips it.
 */
export function pythonWithStomp(): string {
  for (const python of ['/usr/bin/python3', 'python3']) {
    if (spawnSync(python, ['-c', 'import stomp'], { stdio: 'ignore' }).status === 0) return python;
  }
  throw new Error('no python3 with the stomp module: install Debian\'s python3-stomp');
}

/** Runs the stomp.py scenario and returns what it printed, parsed; rejects with its stderr on failure. */
export function runScenario(args: string[], timeoutMs = 60_000): Promise<Record<string, any>> {
  return new Promise((resolve, reject) => {
    execFile(pythonWithStomp(), [SCENARIO, ...args], { timeout: timeoutMs }, (error, stdout, stderr) => {
      if (error) return reject(new Error(`stomp.py scenario failed: ${error.message}\n${stderr}`));
      try {
        resolve(JSON.parse(stdout.trim().split('\n').pop()!));
      } catch {
        reject(new Error(`stomp.py printed no result:\n${stdout}\n${stderr}`));
      }
    });
  });
}
