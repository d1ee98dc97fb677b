import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { attachmentsRoot } from '../attachments/storage.js';
import { chmodQuietly, copyTree, FILE_MODE, makePrivateDir } from './files.js';
import type { IntegrityResult } from './inspect.js';
import { checkIntegrity, copyDatabase } from './worker.js';
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
      throw new BackupFolderError(
        `Backup folder ${dir} is not reachable: ${path.dirname(dir)} does not exist (is the drive connected or the share mounted?).`,
      );
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

/**
 * Writes one complete backup set and returns its manifest. The database is copied with SQLite's
 * online backup API (never as a file copy of a live database) through a separate read-only
 * connection on a worker thread that holds one read transaction for the whole copy: in WAL mode
 * that is a fixed snapshot, so the host keeps writing meanwhile and the backup never restarts
 * (without the held transaction every commit by the host restarts the copy: measured as a
 * livelock under steady writes). The copy is then checked with integrity_check, also off-thread.
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
    await copyDatabase(o.dbFile, dest);
    const facts = await checkCopy(dest, o.beforeCheck);
    chmodQuietly(dest, FILE_MODE);
    const files = await copyTree(attachmentsRoot(o.dataDir), path.join(partial, SET_ATTACHMENTS), {
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

/** integrity_check (on a worker), then the facts the manifest records, read from the copy itself. */
async function checkCopy(
  file: string,
  beforeCheck?: (file: string) => void,
): Promise<{ integrity: IntegrityResult; epoch: number; depotId: string; migrations: number }> {
  beforeCheck?.(file);
  const integrity = await checkIntegrity(file);
  if (!integrity.ok) return { integrity, epoch: 1, depotId: '', migrations: 0 };
  const copy = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const depotRaw = copy.prepare("SELECT value FROM host_settings WHERE key = 'depot_node_id'").pluck().get() as string | undefined;
    const migrations = copy.prepare('SELECT count(*) FROM __drizzle_migrations').pluck().get() as number;
    return { integrity, epoch: readEpoch(copy), depotId: depotRaw ? String(JSON.parse(depotRaw)) : '', migrations };
  } finally {
    copy.close();
  }
}
