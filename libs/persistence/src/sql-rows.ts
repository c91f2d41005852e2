import type { DataSource, EntityManager } from 'typeorm';
import { toDate } from './typeorm-chat.repository';

/**
 * Raw SQL shared by both databases: `$n` placeholders on PostgreSQL, `?` on SQLite, timestamps written as
 * TypeORM writes the entities' columns (SQLite: UTC text; PostgreSQL: timestamptz) and read back as Dates.
 */
export class Sql {
  readonly postgres: boolean;

  constructor(private readonly dataSource: DataSource) {
    this.postgres = dataSource.options.type === 'postgres';
  }

  /**
   * Runs `text` with `?` placeholders and returns its rows (RETURNING rows for writes; on SQLite only when
   * the statement is not spelled `INSERT `, `UPDATE `, `DELETE `, which TypeORM runs without reading rows).
   * With `manager`, inside that transaction.
   */
  async rows<T = Record<string, unknown>>(text: string, params: unknown[] = [], manager?: EntityManager): Promise<T[]> {
    let n = 0;
    const sql = this.postgres ? text.replace(/\?/g, () => `$${++n}`) : text;
    const result: unknown = await (manager ?? this.dataSource).query(sql, params);
    // PostgreSQL answers UPDATE and DELETE with [rows, count]; everything else is the rows.
    if (Array.isArray(result) && result.length === 2 && Array.isArray(result[0]) && typeof result[1] === 'number') return result[0] as T[];
    return Array.isArray(result) ? (result as T[]) : [];
  }

  /** A Date as its column stores it. */
  time(date: Date): Date | string {
    return this.postgres ? date : date.toISOString().replace('T', ' ').replace('Z', '');
  }
}

/** A timestamp column's value, whichever way the driver hands it back. */
export function dateOf(value: unknown): Date {
  return toDate(value as Date | string);
}
