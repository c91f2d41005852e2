import type { DataSource } from 'typeorm';

const tails = new WeakMap<DataSource, Promise<unknown>>();

/**
 * TypeORM's SQLite driver has one connection and one query runner: a statement sent while another
 * repository's transaction is open joins that transaction (and is rolled back with it), and a second
 * transaction would nest. So every write to a SQLite DataSource, whichever repository makes it, waits
 * its turn here; PostgreSQL writes run at once on their own pooled connections.
 */
export function serializedWrite<T>(dataSource: DataSource, work: () => Promise<T>): Promise<T> {
  if (dataSource.options.type !== 'sqlite') return work();
  const run = (tails.get(dataSource) ?? Promise.resolve()).then(work);
  tails.set(dataSource, run.catch(() => undefined));
  return run;
}
