import type Database from 'better-sqlite3';
import { EPOCH_KEY } from '../core/node-state.js';

/**
 * The node epoch: a counter in host_settings that a restore moves forward. Mutations are numbered
 * by `seq` (SQLite AUTOINCREMENT); every restore starts a new epoch above the backup's, the replaced
 * database's and the data dir's recorded one, and the host then raises the AUTOINCREMENT past every
 * seq used before (server/core/node-state.ts, which also starts epochs for regressions and clones),
 * so (node, epoch, seq) never names two mutations. Sync relies on that triple.
 */
export { EPOCH_KEY };

/** The epoch recorded in an open database; 1 when none is (a database from before epochs existed). */
export function readEpoch(sqlite: Database.Database): number {
  const hasTable = sqlite.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'host_settings'").get();
  if (!hasTable) return 1;
  const raw = sqlite.prepare('SELECT value FROM host_settings WHERE key = ?').pluck().get(EPOCH_KEY) as string | undefined;
  if (raw === undefined) return 1;
  const value = Number(JSON.parse(raw));
  return Number.isInteger(value) && value >= 1 ? value : 1;
}

export function writeEpoch(sqlite: Database.Database, epoch: number): void {
  // host_settings.value is a JSON column (drizzle mode 'json'), so the integer is stored as JSON text.
  sqlite
    .prepare('INSERT INTO host_settings(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value')
    .run(EPOCH_KEY, JSON.stringify(epoch));
}
