import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { defaultMigrationsFolder } from '../../db/client.js';
import { readEpoch } from './epoch.js';

/** A file that must not replace the depot's database; the message says why, in the user's terms. */
export class NotRestorableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NotRestorableError';
  }
}

export interface IntegrityResult {
  ok: boolean;
  /** `["ok"]` when sound, else SQLite's first complaints (or why the check could not run). */
  messages: string[];
}

/** PRAGMA integrity_check on an open database; a file too damaged to even read counts as failed. */
export function integrityOf(sqlite: Database.Database): IntegrityResult {
  try {
    const messages = (sqlite.prepare('PRAGMA integrity_check(20)').pluck().all() as string[]).map(String);
    return { ok: messages.length === 1 && messages[0] === 'ok', messages };
  } catch (err) {
    return { ok: false, messages: [err instanceof Error ? err.message : String(err)] };
  }
}

export interface DepotDatabaseInfo {
  depotId: string;
  epoch: number;
  migrations: number;
  integrity: IntegrityResult;
}

function knownMigrations(folder = defaultMigrationsFolder()): number {
  const journal = JSON.parse(fs.readFileSync(path.join(folder, 'meta', '_journal.json'), 'utf8')) as { entries: unknown[] };
  return journal.entries.length;
}

/**
 * Checks that `file` is a sound DepotDesk database this build can open, without changing it.
 * Throws NotRestorableError (random bytes, an empty or foreign SQLite file, a damaged copy, a
 * database from a newer DepotDesk); the caller has touched nothing yet at that point.
 */
export function inspectDepotDatabase(file: string, opts: { migrationsFolder?: string } = {}): DepotDatabaseInfo {
  if (!fs.existsSync(file) || !fs.statSync(file).isFile()) throw new NotRestorableError(`${file} does not exist or is not a file.`);
  let sqlite: Database.Database;
  try {
    // Read-only: inspecting a backup on a USB stick or share must not change it (no -wal/-shm beside it).
    sqlite = new Database(file, { readonly: true, fileMustExist: true });
  } catch (err) {
    throw new NotRestorableError(`${file} cannot be opened as a database: ${(err as Error).message}.`);
  }
  try {
    const tables = new Set<string>();
    try {
      for (const name of sqlite.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all() as string[]) tables.add(name);
    } catch (err) {
      throw new NotRestorableError(`${file} is not a DepotDesk database: ${(err as Error).message}.`);
    }
    for (const needed of ['__drizzle_migrations', 'host_settings', 'organizations']) {
      if (!tables.has(needed)) throw new NotRestorableError(`${file} is not a DepotDesk database (it has no "${needed}" table).`);
    }
    const depotRaw = sqlite.prepare("SELECT value FROM host_settings WHERE key = 'depot_node_id'").pluck().get() as string | undefined;
    if (!depotRaw) throw new NotRestorableError(`${file} is not a DepotDesk database (it names no depot).`);
    const integrity = integrityOf(sqlite);
    if (!integrity.ok)
      throw new NotRestorableError(
        `${file} is damaged (integrity_check: ${integrity.messages.slice(0, 3).join('; ')}). Choose another backup.`,
      );
    const migrations = sqlite.prepare('SELECT count(*) FROM __drizzle_migrations').pluck().get() as number;
    const known = knownMigrations(opts.migrationsFolder);
    if (migrations > known) {
      throw new NotRestorableError(
        `${file} was written by a newer version of DepotDesk (schema ${migrations}, this build knows ${known}). Update DepotDesk first.`,
      );
    }
    return { depotId: String(JSON.parse(depotRaw)), epoch: readEpoch(sqlite), migrations, integrity };
  } finally {
    sqlite.close();
  }
}
