import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DataSource, Logger as TypeOrmLogger } from 'typeorm';
import { openDataSource, TypeOrmChatRepository, type DataSourceSettings } from '@app/persistence';

/**
 * Counts transactions by the BEGIN statements sent (SQLite and PostgreSQL spell it differently), and
 * SQLite's fresh batch INSERT, which is a transaction of its own (autocommit).
 */
export class TransactionCounter implements TypeOrmLogger {
  transactions = 0;
  logQuery(query: string): void {
    if (/^(BEGIN|START TRANSACTION)\b/i.test(query) || /^WITH v\(ord,/.test(query)) this.transactions += 1;
  }
  logQueryError(): void {}
  logQuerySlow(): void {}
  logSchemaBuild(): void {}
  logMigration(): void {}
  log(): void {}
}

export interface OpenRepository {
  dataSource: DataSource;
  repository: TypeOrmChatRepository;
  close(): Promise<void>;
}

export async function openRepository(url: string, settings: DataSourceSettings = {}): Promise<OpenRepository> {
  const dataSource = await openDataSource(url, settings);
  return {
    dataSource,
    repository: new TypeOrmChatRepository(dataSource),
    close: async () => {
      if (dataSource.isInitialized) await dataSource.destroy();
    },
  };
}

/** A fresh temporary folder and a function that removes it. */
export function tempDir(prefix = 'chat-db-'): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

let rooms = 0;
/** Room names unique to this process, so suites sharing a database do not see each other. */
export function uniqueRoom(label = 'r'): string {
  return `${label}-${process.pid}-${Date.now().toString(36)}-${++rooms}`;
}
