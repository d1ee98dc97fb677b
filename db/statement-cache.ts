import type { Sqlite } from './client.js';

type Statement = ReturnType<Sqlite['prepare']>;

const MAX_STATEMENTS = 1_000;

/**
 * Reuse compiled statements. drizzle prepares every query afresh, and on the write path SQLite's
 * statement compiler was the largest single cost (profiled: ~15 % of a status transition). The
 * cache keys on the SQL text, evicts the least recently used, hands out a fresh statement when the
 * cached one is still busy (an open iterator), and resets a reused statement's modes so it behaves
 * exactly like a newly prepared one.
 */
export function cacheStatements(sqlite: Sqlite): () => void {
  const original = sqlite.prepare;
  const cache = new Map<string, Statement>();
  const cached = function (this: Sqlite, source: string): Statement {
    const hit = cache.get(source);
    if (hit && !hit.busy) {
      cache.delete(source);
      cache.set(source, hit);
      if (hit.reader) hit.raw(false).pluck(false).expand(false);
      return hit;
    }
    const stmt = original.call(this, source) as Statement;
    if (!hit) {
      cache.set(source, stmt);
      if (cache.size > MAX_STATEMENTS) cache.delete(cache.keys().next().value as string);
    }
    return stmt;
  };
  sqlite.prepare = cached as Sqlite['prepare'];
  return () => {
    sqlite.prepare = original;
    cache.clear();
  };
}
