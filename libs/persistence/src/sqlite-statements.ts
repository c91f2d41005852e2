import type { DataSource } from 'typeorm';

/** The parts of sqlite3's Statement used here. */
export interface RawStatement {
  run(params: unknown[], done: (error: Error | null) => void): void;
  all(params: unknown[], done: (error: Error | null, rows: unknown[]) => void): void;
  finalize(done: () => void): void;
}

/** The sqlite3 Database under TypeORM's SQLite driver. */
export interface RawSqlite {
  serialize(queue: () => void): void;
  prepare(sql: string, done?: (error: Error | null) => void): RawStatement;
  run(sql: string, params: unknown[], done: (error: Error | null) => void): void;
  all(sql: string, params: unknown[], done: (error: Error | null, rows: unknown[]) => void): void;
}

/** Statements kept prepared; the longest unused is finalized past this. */
const MAX_STATEMENTS = 64;

/**
 * Prepared statements reused across batches. sqlite3 runs every statement on its thread pool in steps
 * (prepare, run, finalize), each a hand-off between threads and back through the event loop: a
 * one-message batch of four fresh statements made twelve of them, ~0.6 ms of CPU in all. A kept
 * statement is one step. Keyed by SQL text, so a batch shape (rows, rooms) seen before costs no parse.
 */
class StatementCache {
  private readonly statements = new Map<string, RawStatement>();
  constructor(private readonly db: RawSqlite) {}

  get(sql: string): RawStatement {
    let statement = this.statements.get(sql);
    if (statement) {
      // Most recently used last, so the first entry is the one to let go.
      this.statements.delete(sql);
    } else {
      statement = this.db.prepare(sql);
      if (this.statements.size >= MAX_STATEMENTS) {
        const [oldest, unused] = this.statements.entries().next().value as [string, RawStatement];
        this.statements.delete(oldest);
        unused.finalize(() => undefined);
      }
    }
    this.statements.set(sql, statement);
    return statement;
  }

  /** Finalizes every kept statement: SQLite refuses to close a database that still has some. */
  async clear(): Promise<void> {
    const all = [...this.statements.values()];
    this.statements.clear();
    await Promise.all(all.map((s) => new Promise<void>((resolve) => s.finalize(resolve))));
  }
}

const caches = new WeakMap<DataSource, StatementCache>();

export function rawSqlite(dataSource: DataSource): RawSqlite {
  return (dataSource.driver as unknown as { databaseConnection: RawSqlite }).databaseConnection;
}

/** The kept statement for `sql` on this DataSource's connection. */
export function keptStatement(dataSource: DataSource, sql: string): RawStatement {
  let cache = caches.get(dataSource);
  if (!cache) {
    cache = new StatementCache(rawSqlite(dataSource));
    caches.set(dataSource, cache);
  }
  return cache.get(sql);
}

/** Before the connection closes (openDataSource wires this into destroy()). */
export async function releaseStatements(dataSource: DataSource): Promise<void> {
  const cache = caches.get(dataSource);
  caches.delete(dataSource);
  await cache?.clear();
}
