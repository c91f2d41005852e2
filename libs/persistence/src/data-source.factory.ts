import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import sqlite3 from 'sqlite3';
import { DataSource, type DataSourceOptions, type Logger as TypeOrmLogger } from 'typeorm';
import { parseDatabaseUrl, type DatabaseTarget } from './database-url';
import { messageSchema } from './message.entity';
import { moderationSchemas } from './moderation.entity';
import { roomSchemas } from './room.entity';
import { MIGRATIONS } from './migrations';
import { releaseStatements } from './sqlite-statements';

export interface DataSourceSettings {
  /**
   * SQLite `synchronous` in WAL mode. FULL (the default) fsyncs the WAL at every commit, so a
   * message whose RECEIPT was sent survives power loss, not only a killed process; group commit
   * makes that one fsync per batch rather than per message. NORMAL survives `kill -9` too (the
   * WAL is in the OS cache when COMMIT returns) and is faster on slow disks.
   */
  sqliteSynchronous?: 'NORMAL' | 'FULL';
  /** PostgreSQL pool size. */
  poolSize?: number;
  /** A TypeORM logger, e.g. to count transactions in tests. */
  logger?: TypeOrmLogger;
}

/** How long a SQLite statement waits for another process's lock before SQLITE_BUSY. */
export const SQLITE_BUSY_TIMEOUT_MS = 5_000;

/**
 * The sqlite3 module as TypeORM's SQLite driver gets it, with `verbose()` (which TypeORM always calls)
 * left out. verbose() wraps every statement call to build an Error and util.inspect every argument (a
 * batch insert's SQL and its hundreds of parameters) for longer stack traces: about a tenth of the main
 * thread's time with stored messages at 2,000/s. Errors still carry SQLite's message and code.
 */
const quietSqlite = Object.assign(Object.create(sqlite3) as typeof sqlite3, { verbose: () => sqlite3 });

export function dataSourceOptions(url: string, settings: DataSourceSettings = {}): DataSourceOptions {
  const target = parseDatabaseUrl(url);
  const common = {
    entities: [messageSchema(target.kind), ...roomSchemas(target.kind), ...moderationSchemas(target.kind)],
    migrations: MIGRATIONS,
    migrationsRun: true,
    migrationsTransactionMode: 'each' as const,
    synchronize: false,
    logger: settings.logger,
    logging: settings.logger ? ('all' as const) : false,
  };
  if (target.kind === 'postgres') {
    return {
      ...common,
      // Run by openDataSource under an advisory lock instead: two servers starting together on one
      // database would otherwise both try to create the tables.
      migrationsRun: false,
      type: 'postgres',
      url: target.url,
      poolSize: settings.poolSize ?? 10,
      // Fail fast at start instead of hanging when the server is not there.
      connectTimeoutMS: 5_000,
    };
  }
  return {
    ...common,
    type: 'sqlite',
    driver: quietSqlite,
    database: sqlitePath(target),
    enableWAL: target.path !== ':memory:',
    busyTimeout: SQLITE_BUSY_TIMEOUT_MS,
  };
}

/**
 * Opens the database named by DATABASE_URL and brings its schema up to date (migrations).
 * Creates the parent folder of a SQLite file.
 */
export async function openDataSource(url: string, settings: DataSourceSettings = {}): Promise<DataSource> {
  const options = dataSourceOptions(url, settings);
  if (options.type === 'sqlite' && options.database !== ':memory:') {
    mkdirSync(dirname(options.database), { recursive: true });
  }
  const dataSource = new DataSource(options);
  if (options.type === 'sqlite') {
    // The fresh batch path keeps prepared statements, and SQLite will not close with any left open.
    const destroy = dataSource.destroy.bind(dataSource);
    dataSource.destroy = async () => {
      await releaseStatements(dataSource);
      return destroy();
    };
  }
  await dataSource.initialize();
  try {
    if (options.type === 'sqlite') {
      await dataSource.query(`PRAGMA synchronous = ${settings.sqliteSynchronous ?? 'FULL'}`);
    } else {
      await runMigrationsLocked(dataSource);
    }
  } catch (error) {
    await dataSource.destroy();
    throw error;
  }
  return dataSource;
}

/** An arbitrary constant naming this application's migration lock. */
const MIGRATION_LOCK_KEY = 7_202_411;

/** PostgreSQL: one process at a time runs the migrations; the others wait, then find nothing to do. */
async function runMigrationsLocked(dataSource: DataSource): Promise<void> {
  const lock = dataSource.createQueryRunner();
  await lock.connect();
  try {
    await lock.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    try {
      await dataSource.runMigrations({ transaction: 'each' });
    } finally {
      await lock.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
    }
  } finally {
    await lock.release();
  }
}

function sqlitePath(target: Extract<DatabaseTarget, { kind: 'sqlite' }>): string {
  return target.path === ':memory:' ? ':memory:' : resolve(target.path);
}
