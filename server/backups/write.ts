import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { attachmentsRoot } from '../attachments/storage.js';
import { chmodQuietly, copyTree, FILE_MODE, makePrivateDir } from './files.js';
import { integrityOf, type IntegrityResult } from './inspect.js';
import { readEpoch } from './epoch.js';
import { listSets, newSetId, PARTIAL, SET_ATTACHMENTS, SET_DB, SET_MANIFEST, type BackupKindName, type Manifest } from './layout.js';

/** The backup folder cannot be used (drive unplugged, share not mounted, no permission). */
export class BackupFolderError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BackupFolderError';
  }
}

/**
 * Makes sure the backup folder is there and writable. The default folder (inside the data dir) is
 * created freely; a configured one only when its parent exists: if a USB drive is unplugged, its
 * mount point must not silently fill up the local disk instead.
 */
export function ensureBackupDir(dir: string, opts: { createParents: boolean }): void {
  try {
    if (fs.existsSync(dir)) {
      if (!fs.statSync(dir).isDirectory()) throw new BackupFolderError(`Backup folder ${dir} is a file, not a folder.`);
    } else if (opts.createParents || fs.existsSync(path.dirname(dir))) {
      makePrivateDir(dir);
    } else {
      throw new BackupFolderError(`Backup folder ${dir} is not reachable: ${path.dirname(dir)} does not exist (is the drive connected or the share mounted?).`);
    }
    fs.accessSync(dir, fs.constants.W_OK);
  } catch (err) {
    if (err instanceof BackupFolderError) throw err;
    throw new BackupFolderError(`Backup folder ${dir} cannot be used: ${(err as Error).message}`);
  }
}

export interface WriteOptions {
  /** The live database file; read through its own read-only connection. */
  dbFile: string;
  dataDir: string;
  backupDir: string;
  createParents: boolean;
  kind: BackupKindName;
  now: () => number;
  /** Test seam: runs on the written copy before its integrity check (tests corrupt it here). */
  beforeCheck?: (file: string) => void;
}

/** Pages copied per step; between steps the event loop serves requests (~4 MB with 4 KiB pages). */
const PAGES_PER_STEP = 1000;

/**
 * Writes one complete backup set and returns its manifest. The database is copied with SQLite's
 * online backup API, never as a file copy of a live database. The copy is read through a separate
 * read-only connection that holds one read transaction for the whole copy: in WAL mode that is a
 * fixed snapshot, so the host keeps writing meanwhile and the backup never restarts (without the
 * held transaction every commit by the host restarts the copy, measured as a livelock under
 * steady writes).
 */
export async function writeBackupSet(o: WriteOptions): Promise<Manifest> {
  const startedAt = o.now();
  const t0 = performance.now();
  ensureBackupDir(o.backupDir, { createParents: o.createParents });
  const previous = listSets(o.backupDir)[0] ?? null;
  const id = newSetId(o.backupDir, startedAt, o.kind);
  const partial = path.join(o.backupDir, id + PARTIAL);
  try {
    makePrivateDir(partial);
    const dest = path.join(partial, SET_DB);
    // Created 0600 before SQLite writes into it, so the copy is never readable by others.
    fs.writeFileSync(dest, '', { mode: FILE_MODE });
    const source = new Database(o.dbFile, { readonly: true, fileMustExist: true });
    try {
      source.exec('BEGIN');
      source.prepare('SELECT count(*) FROM sqlite_master').get(); // starts the read transaction: the snapshot
      await source.backup(dest, { progress: () => PAGES_PER_STEP });
      source.exec('COMMIT');
    } finally {
      source.close();
    }
    const facts = checkCopy(dest, o.beforeCheck);
    chmodQuietly(dest, FILE_MODE);
    const files = copyTree(attachmentsRoot(o.dataDir), path.join(partial, SET_ATTACHMENTS), {
      skip: ['tmp'], // uploads still in flight belong to no committed row
      linkFrom: [previous ? path.join(o.backupDir, previous.id, SET_ATTACHMENTS) : null, attachmentsRoot(o.dataDir)],
    });
    const manifest: Manifest = {
      format: 1,
      id,
      kind: o.kind,
      createdAt: startedAt,
      durationMs: Math.round(performance.now() - t0),
      dbBytes: fs.statSync(dest).size,
      attachmentFiles: files.files,
      attachmentBytes: files.bytes,
      ...facts,
    };
    fs.writeFileSync(path.join(partial, SET_MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`, { mode: FILE_MODE });
    fs.renameSync(partial, path.join(o.backupDir, id));
    return manifest;
  } catch (err) {
    fs.rmSync(partial, { recursive: true, force: true });
    throw err;
  }
}

/**
 * Turns the copy into a single self-contained file (rollback journal instead of WAL, so a
 * read-only USB stick or share can still open it) and runs PRAGMA integrity_check on it.
 */
function checkCopy(file: string, beforeCheck?: (file: string) => void): { integrity: IntegrityResult; epoch: number; depotId: string; migrations: number } {
  const rw = new Database(file, { fileMustExist: true });
  try {
    rw.pragma('journal_mode = DELETE');
  } finally {
    rw.close();
  }
  beforeCheck?.(file);
  let copy: Database.Database | null = null;
  try {
    copy = new Database(file, { readonly: true, fileMustExist: true });
    const integrity = integrityOf(copy);
    if (!integrity.ok) return { integrity, epoch: 1, depotId: '', migrations: 0 };
    const depotRaw = copy.prepare("SELECT value FROM host_settings WHERE key = 'depot_node_id'").pluck().get() as string | undefined;
    const migrations = copy.prepare('SELECT count(*) FROM __drizzle_migrations').pluck().get() as number;
    return { integrity, epoch: readEpoch(copy), depotId: depotRaw ? String(JSON.parse(depotRaw)) : '', migrations };
  } catch (err) {
    return { integrity: { ok: false, messages: [(err as Error).message] }, epoch: 1, depotId: '', migrations: 0 };
  } finally {
    copy?.close();
  }
}
