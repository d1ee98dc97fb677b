import type { Sqlite } from '../client.js';

type Statement = ReturnType<Sqlite['prepare']>;

const MAX_STATEMENTS = 2_000;

/**
 * Seeding only: reuse compiled statements. drizzle prepares every one-off query afresh, and on
 * a million service calls SQLite's statement compiler becomes the biggest single cost. A reused
 * statement is put back into its default mode first, exactly as a fresh prepare would hand it out.
 * Returns a function that puts the original `prepare` back.
 */
export function cacheStatements(sqlite: Sqlite): () => void {
  const original = sqlite.prepare;
  const cache = new Map<string, Statement>();
  const cached = function (this: Sqlite, source: string): Statement {
    const hit = cache.get(source);
    if (hit) {
      if (hit.reader) hit.raw(false).pluck(false).expand(false);
      return hit;
    }
    const stmt = original.call(this, source) as Statement;
    if (cache.size < MAX_STATEMENTS) cache.set(source, stmt);
    return stmt;
  };
  sqlite.prepare = cached as Sqlite['prepare'];
  return () => {
    sqlite.prepare = original;
    cache.clear();
  };
}
