import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import * as schema from './schema/index.js';
import { cacheStatements } from './statement-cache.js';
import { backfillAuditChain } from './audit-chain-backfill.js';

export type Db = BetterSQLite3Database<typeof schema>;
export type Sqlite = Database.Database;

export interface OpenedDatabase {
  sqlite: Sqlite;
  db: Db;
  /** Path of the copy taken before migrating, when one was needed. */
  backupPath: string | null;
  appliedMigrations: number;
  /** Audit rows from before the hash chain (migration 0009) chained on this open; 0 on most starts. */
  auditRowsChained: number;
}

/** Thrown when the file was written by a newer DepotDesk: opening it could corrupt data we do not understand. */
export class DatabaseFromFutureError extends Error {
  constructor(
    readonly fileVersion: number,
    readonly knownVersion: number,
  ) {
    super(
      `This database was written by a newer version of DepotDesk (schema ${fileVersion}, ` +
        `this build knows ${knownVersion}). Update DepotDesk before opening it.`,
    );
    this.name = 'DatabaseFromFutureError';
  }
}

interface Journal {
  entries: { idx: number; tag: string; when: number }[];
}

/**
 * Where the committed migrations live. The bundled host sets DEPOTDESK_MIGRATIONS (it ships the
 * folder next to its code); from source we find it beside this file.
 */
export function defaultMigrationsFolder(): string {
  const fromEnv = process.env.DEPOTDESK_MIGRATIONS;
  if (fromEnv) return fromEnv;
  return path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations');
}

function readJournal(folder: string): Journal {
  const raw = fs.readFileSync(path.join(folder, 'meta', '_journal.json'), 'utf8');
  return JSON.parse(raw) as Journal;
}

function appliedMigrationCount(sqlite: Sqlite): { count: number; lastWhen: number } {
  const table = sqlite.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name = '__drizzle_migrations'").get();
  if (!table) return { count: 0, lastWhen: 0 };
  const row = sqlite.prepare('SELECT count(*) AS count, coalesce(max(created_at), 0) AS lastWhen FROM __drizzle_migrations').get() as {
    count: number;
    lastWhen: number;
  };
  return row;
}

/** Rows ANALYZE samples per index after a migration (a bound: a full ANALYZE of a multi-GB depot takes minutes). */
export const ANALYSIS_LIMIT = 1000;

export function applyPragmas(sqlite: Sqlite): void {
  sqlite.pragma('journal_mode = WAL');
  // FULL: a commit is on disk before the client hears "ok", so a power cut loses no acknowledged write.
  sqlite.pragma('synchronous = FULL');
  sqlite.pragma('foreign_keys = ON');
  // Short: writers retry in mutate() so busy waits are counted in /metrics instead of hidden here.
  sqlite.pragma('busy_timeout = 250');
  sqlite.pragma('cache_size = -32000');
  sqlite.pragma('temp_store = MEMORY');
}

export function openDatabase(file: string, opts: { migrationsFolder?: string; now?: () => number } = {}): OpenedDatabase {
  const folder = opts.migrationsFolder ?? defaultMigrationsFolder();
  const now = opts.now ?? Date.now;
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const sqlite = new Database(file);
  try {
    applyPragmas(sqlite);
    const journal = readJournal(folder);
    const known = journal.entries.length;
    const lastKnownWhen = journal.entries.at(-1)?.when ?? 0;
    const applied = appliedMigrationCount(sqlite);
    if (applied.count > known || applied.lastWhen > lastKnownWhen) {
      throw new DatabaseFromFutureError(applied.count, known);
    }
    let backupPath: string | null = null;
    if (applied.count > 0 && applied.count < known) {
      backupPath = `${file}.before-v${known}-${now()}.bak`;
      // VACUUM INTO writes a consistent, compact copy even while WAL frames are pending.
      sqlite.prepare('VACUUM INTO ?').run(backupPath);
    }
    const db = drizzle(sqlite, { schema });
    if (applied.count < known) {
      migrate(db, { migrationsFolder: folder });
      // New indexes have no statistics yet, and without them SQLite's planner can pick one that
      // forces a full sort (measured: 3 ms → 180 ms on 100k work orders). A bounded ANALYZE samples
      // each index instead of reading it whole (≈6 s once on a 7.5 GB depot file, after a migration only).
      sqlite.pragma(`analysis_limit = ${ANALYSIS_LIMIT}`);
      sqlite.exec('ANALYZE');
    }
    // After migrate() rather than inside it: the chain needs SHA-256, which SQL cannot compute.
    const auditRowsChained = backfillAuditChain(sqlite);
    cacheStatements(sqlite);
    return { sqlite, db, backupPath, appliedMigrations: known, auditRowsChained };
  } catch (err) {
    sqlite.close();
    throw err;
  }
}
