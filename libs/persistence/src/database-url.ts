/** Where the messages live, as parsed from DATABASE_URL. */
export type DatabaseTarget =
  | { kind: 'sqlite'; /** A file path, or ':memory:'. */ path: string }
  | { kind: 'postgres'; url: string };

export class DatabaseUrlError extends Error {
  override readonly name = 'DatabaseUrlError';
}

/**
 * Accepts `sqlite:PATH` (relative to the working directory or absolute), `sqlite::memory:`,
 * `postgres://...` and `postgresql://...`. Anything else is refused here, at start, rather than by
 * the driver on the first query.
 */
export function parseDatabaseUrl(url: string): DatabaseTarget {
  const value = url.trim();
  if (/^postgres(ql)?:\/\/.+/i.test(value)) return { kind: 'postgres', url: value };
  if (/^sqlite:/i.test(value)) {
    // `sqlite:///abs/path` is a common spelling of an absolute path: keep one leading slash.
    const path = value.slice('sqlite:'.length).replace(/^\/\/(?=\/)/, '');
    if (path === '' || path === '//') throw new DatabaseUrlError('DATABASE_URL sqlite: needs a path or :memory:');
    return { kind: 'sqlite', path };
  }
  throw new DatabaseUrlError('DATABASE_URL must be sqlite:PATH, sqlite::memory: or postgres://...');
}
