import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { DatabaseFromFutureError, defaultMigrationsFolder, openDatabase } from './client.js';

const dirs: string[] = [];
function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'depotdesk-db-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

/** A copy of the committed migrations, with the journal cut to the first `count` entries. */
function migrationsUpTo(count: number): string {
  const src = defaultMigrationsFolder();
  const dest = tempDir();
  fs.cpSync(src, dest, { recursive: true });
  const journalPath = path.join(dest, 'meta', '_journal.json');
  const journal = JSON.parse(fs.readFileSync(journalPath, 'utf8')) as { entries: unknown[] };
  journal.entries = journal.entries.slice(0, count);
  fs.writeFileSync(journalPath, JSON.stringify(journal));
  return dest;
}

describe('opening the database', () => {
  it('when a new file is opened, then it is in WAL mode with foreign keys on and every migration applied', () => {
    const file = path.join(tempDir(), 'd.sqlite');
    const { sqlite, backupPath } = openDatabase(file);
    expect(sqlite.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(sqlite.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(sqlite.pragma('synchronous', { simple: true })).toBe(2);
    expect(backupPath).toBeNull();
    const tables = sqlite.prepare("SELECT name FROM sqlite_master WHERE type='table'").pluck().all();
    expect(tables).toEqual(expect.arrayContaining(['work_orders', 'audit_log', 'mutations', 'changes', 'work_orders_fts']));
    sqlite.close();
  });

  it('when an older database is opened, then it is backed up before migrating and the backup holds the old data', () => {
    const file = path.join(tempDir(), 'd.sqlite');
    const old = openDatabase(file, { migrationsFolder: migrationsUpTo(1), now: () => 1234 });
    old.sqlite.prepare("INSERT INTO host_settings(key, value) VALUES ('marker', '\"before\"')").run();
    old.sqlite.close();

    const upgraded = openDatabase(file, { now: () => 1234 });
    expect(upgraded.backupPath).toMatch(/d\.sqlite\.before-v\d+-1234\.bak$/);
    const backup = new Database(upgraded.backupPath!, { readonly: true });
    expect(backup.prepare("SELECT value FROM host_settings WHERE key='marker'").pluck().get()).toBe('"before"');
    // The backup is from before the second migration: it has no search index yet.
    expect(backup.prepare("SELECT count(*) FROM sqlite_master WHERE name='work_orders_fts'").pluck().get()).toBe(0);
    backup.close();
    expect(upgraded.sqlite.prepare("SELECT count(*) FROM sqlite_master WHERE name='work_orders_fts'").pluck().get()).toBe(1);
    upgraded.sqlite.close();
  });

  it('when the database was written by a newer version, then opening it is refused and the file is untouched', () => {
    const file = path.join(tempDir(), 'd.sqlite');
    openDatabase(file).sqlite.close();
    const before = fs.readFileSync(file);
    expect(() => openDatabase(file, { migrationsFolder: migrationsUpTo(1) })).toThrow(DatabaseFromFutureError);
    expect(() => openDatabase(file, { migrationsFolder: migrationsUpTo(1) })).toThrow(/newer version of DepotDesk/);
    expect(fs.readFileSync(file).equals(before)).toBe(true);
  });
});
