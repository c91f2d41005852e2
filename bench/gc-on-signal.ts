/**
 * Preloaded into every bench server (`node --expose-gc -r gc-on-signal.js`): SIGUSR2 runs a full
 * garbage collection and prints the JS heap then in use (`[bench-gc] heapUsed=BYTES`). Memory per idle
 * connection is read after one, before and after the connections, so that garbage not yet collected
 * (setting 10,000 connections up makes plenty) is not counted as what they hold. Every target gets the
 * same, and none of them uses SIGUSR2.
 */
const collect = (globalThis as { gc?: () => void }).gc;
if (collect) {
  process.on('SIGUSR2', () => {
    collect();
    process.stderr.write(`[bench-gc] heapUsed=${process.memoryUsage().heapUsed}\n`);
  });
}
