import { drizzle } from 'drizzle-orm/better-sqlite3';
import { ANALYSIS_LIMIT, type Db, type Sqlite } from '../../db/client.js';
import * as schema from '../../db/schema/index.js';

/** Shared by the plan tests (work-order lists, telemetry reads): statistics, captured SQL, EXPLAIN QUERY PLAN. */

export interface PlanRow {
  id: number;
  parent: number;
  detail: string;
}

/** Statistics as the host gathers them after a migration (db/client.ts), or complete (stat1 and stat4). */
export function gatherStats(sqlite: Sqlite, mode: 'host' | 'full'): void {
  sqlite.pragma(`analysis_limit = ${mode === 'host' ? ANALYSIS_LIMIT : 0}`);
  sqlite.exec('ANALYZE');
}

export function explainQueryPlan(sqlite: Sqlite, sql: string, params: unknown[]): PlanRow[] {
  return sqlite.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...(params as never[])) as PlanRow[];
}

/** A drizzle handle on `sqlite` that records every statement it sends, so a test can read the app's own SQL. */
export function capturingDb(sqlite: Sqlite): { db: Db; captured: { sql: string; params: unknown[] }[] } {
  const captured: { sql: string; params: unknown[] }[] = [];
  const db = drizzle(sqlite, { schema, logger: { logQuery: (sql, params) => void captured.push({ sql, params }) } });
  return { db, captured };
}
