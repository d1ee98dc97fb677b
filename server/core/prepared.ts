import type { Db } from '../../db/client.js';

/**
 * A drizzle query prepared once per database, with sql.placeholder() for what varies. drizzle
 * rebuilds and re-maps a query on every call (its builders were the largest JS cost of the write
 * path); a prepared one skips that and still maps rows exactly as drizzle does.
 */
export function preparedPerDb<T>(build: (db: Db) => T): (db: Db) => T {
  const byDb = new WeakMap<Db, T>();
  return (db) => {
    let prepared = byDb.get(db);
    if (prepared === undefined) byDb.set(db, (prepared = build(db)));
    return prepared;
  };
}
