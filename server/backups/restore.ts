import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { attachmentsRoot } from '../attachments/storage.js';
import { chmodQuietly, copyTree, FILE_MODE } from './files.js';
import { writeEpoch } from './epoch.js';
import { LAST_RESTORE_KEY, laterHlc, type DbFacts } from '../core/node-state.js';
import { fingerprintOf, readDbFacts, readSidecar, writeSidecar } from '../core/node-state-store.js';
import { inspectDepotDatabase, NotRestorableError } from './inspect.js';
import { SET_ATTACHMENTS, SET_DB } from './layout.js';

/** The database's file name in the data dir (server/host.ts DB_FILE; not imported, to keep this module free of the host). */
export const LIVE_DB = 'depotdesk.sqlite';
export { LAST_RESTORE_KEY };

/** A depot host is using the data dir: restoring under it would corrupt both. */
export class HostRunningError extends Error {
  constructor(dataDir: string) {
    super(
      `A DepotDesk host is running on ${dataDir} (its database is in use). Quit DepotDesk (or stop \`npm run serve\`) and run the restore again, or restore from the console's Backups screen.`,
    );
    this.name = 'HostRunningError';
  }
}

/**
 * Detects a host on the data dir by asking SQLite for an exclusive lock: every open connection
 * (in any process) holds a shared lock in WAL mode, so the probe fails while a host is up and
 * succeeds after it closed or crashed (no stale lock file to clean up by hand).
 */
export function assertNoHostRunning(dataDir: string): void {
  const file = path.join(dataDir, LIVE_DB);
  if (!fs.existsSync(file)) return;
  let probe: Database.Database | null = null;
  try {
    probe = new Database(file, { fileMustExist: true, timeout: 0 });
    probe.pragma('locking_mode = EXCLUSIVE');
    probe.exec('BEGIN EXCLUSIVE');
    probe.exec('COMMIT');
  } catch (err) {
    const code = (err as { code?: string }).code ?? '';
    if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) throw new HostRunningError(dataDir);
    // A damaged live database is not "in use": the restore may replace it (it is kept aside).
  } finally {
    probe?.close();
  }
}

export interface RestoreReport {
  from: string;
  dataDir: string;
  /** Where the replaced database (and attachments) were moved; nothing is deleted. */
  keptAside: string[];
  attachmentFiles: number;
  /** `replaced`: the live database's (null when missing or unreadable); `recorded`: the data dir's node-state.json (or older node-epoch) file (0 when none). */
  epoch: { backup: number; replaced: number | null; recorded: number; now: number };
  depotId: string;
}

/** The database file and attachment folder a `--from` names: a set folder, or a database file (attachments beside it, if any). */
export function resolveSource(from: string): { dbFile: string; attachments: string | null } {
  const abs = path.resolve(from);
  const dbFile = fs.existsSync(abs) && fs.statSync(abs).isDirectory() ? path.join(abs, SET_DB) : abs;
  const attachments = path.join(path.dirname(dbFile), SET_ATTACHMENTS);
  return { dbFile, attachments: fs.existsSync(attachments) && fs.statSync(attachments).isDirectory() ? attachments : null };
}

function stamp(at: number): string {
  return new Date(at).toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
}

/**
 * Replaces the depot's database (and attachments, when the backup has them) with a backup, on a
 * data dir no host is using. Everything is checked and prepared beside the live files first; only
 * then are the live files renamed aside (never deleted) and the prepared ones renamed in, so a
 * refusal or failure leaves the data dir as it was. The restored database starts a new node epoch
 * above the backup's, the replaced database's and the data dir's recorded one, and the data dir's
 * node-state.json keeps the highest seq, HLC and work-order numbers of all three: the host raises
 * the restored database past them when it opens (server/core/node-state.ts), so no seq repeats.
 */
export async function restoreBackup(o: {
  dataDir: string;
  from: string;
  now: () => number;
  migrationsFolder?: string;
}): Promise<RestoreReport> {
  const src = resolveSource(o.from);
  assertNoHostRunning(o.dataDir);
  const live = path.join(o.dataDir, LIVE_DB);
  const staged = `${live}.restoring`;
  const stagedAttachments = `${attachmentsRoot(o.dataDir)}.restoring`;
  fs.rmSync(staged, { force: true });
  fs.rmSync(stagedAttachments, { recursive: true, force: true });
  try {
    if (!fs.existsSync(src.dbFile)) throw new NotRestorableError(`${src.dbFile} does not exist.`);
    fs.copyFileSync(src.dbFile, staged);
    chmodQuietly(staged, FILE_MODE);
    toRollbackJournal(staged, src.dbFile);
    const info = inspectDepotDatabase(staged, { migrationsFolder: o.migrationsFolder });
    const replacedFacts = liveFacts(live);
    const replaced = replacedFacts?.epoch ?? null;
    const sidecar = readSidecar(o.dataDir);
    const recorded = sidecar?.epoch ?? 0;
    const epoch = Math.max(info.epoch, replaced ?? 0, recorded) + 1;
    const db = new Database(staged, { fileMustExist: true });
    let backupFacts: DbFacts;
    try {
      backupFacts = readDbFacts(db);
      db.transaction(() => {
        writeEpoch(db, epoch);
        db.prepare('INSERT INTO host_settings(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value').run(
          LAST_RESTORE_KEY,
          JSON.stringify({ at: o.now(), from: src.dbFile, epoch }),
        );
      })();
    } finally {
      db.close();
    }
    const copied = src.attachments ? await copyTree(src.attachments, stagedAttachments, { linkFrom: [src.attachments] }) : null;

    // The swap: rename only, so each step is atomic and can be undone.
    const suffix = `.before-restore-${stamp(o.now())}`;
    const moves: [string, string][] = [];
    for (const ext of ['', '-wal', '-shm']) if (fs.existsSync(live + ext)) moves.push([live + ext, `${live}${suffix}${ext}`]);
    if (copied && fs.existsSync(attachmentsRoot(o.dataDir)))
      moves.push([attachmentsRoot(o.dataDir), `${attachmentsRoot(o.dataDir)}${suffix}`]);
    moves.push([staged, live]);
    if (copied) moves.push([stagedAttachments, attachmentsRoot(o.dataDir)]);
    const done: [string, string][] = [];
    try {
      for (const [a, b] of moves) {
        fs.renameSync(a, b);
        done.push([a, b]);
      }
    } catch (err) {
      for (const [a, b] of done.reverse()) fs.renameSync(b, a);
      throw err;
    }
    // The marks the restored database must be raised past: whatever this data dir handed out before.
    const marks = [backupFacts, ...(replacedFacts ? [replacedFacts] : [])];
    writeSidecar(o.dataDir, {
      nodeId: info.depotId,
      epoch,
      seqHigh: Math.max(sidecar?.seqHigh ?? 0, ...marks.map((m) => m.seqHigh)),
      hlcHigh: marks.reduce<string | null>((a, m) => laterHlc(a, m.hlcHigh), sidecar?.hlcHigh ?? null),
      woCounterHigh: maxCounters([sidecar?.woCounterHigh ?? {}, ...marks.map((m) => m.counters)]),
      fingerprint: fingerprintOf(o.dataDir, live),
    });
    return {
      from: src.dbFile,
      dataDir: o.dataDir,
      keptAside: moves.filter(([a]) => a !== staged && a !== stagedAttachments).map(([, b]) => b),
      attachmentFiles: copied?.files ?? 0,
      epoch: { backup: info.epoch, replaced, recorded, now: epoch },
      depotId: info.depotId,
    };
  } finally {
    fs.rmSync(staged, { force: true });
    fs.rmSync(stagedAttachments, { recursive: true, force: true });
  }
}

/** A database copied out of WAL mode opens read-only anywhere; random bytes fail here, before anything else. */
function toRollbackJournal(file: string, shownAs: string): void {
  let db: Database.Database | null = null;
  try {
    db = new Database(file, { fileMustExist: true });
    db.pragma('journal_mode = DELETE');
  } catch (err) {
    throw new NotRestorableError(`${shownAs} is not a DepotDesk database: ${(err as Error).message}.`);
  } finally {
    db?.close();
  }
}

function maxCounters(all: Record<string, number>[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const one of all) for (const [k, v] of Object.entries(one)) out[k] = Math.max(out[k] ?? 0, v);
  return out;
}

/** What the database about to be replaced says (epoch, high-water marks); null when there is none or it cannot be read. */
function liveFacts(file: string): DbFacts | null {
  if (!fs.existsSync(file)) return null;
  let db: Database.Database | null = null;
  try {
    // Not read-only: a WAL database without its -shm file cannot be opened read-only. Nothing is written.
    db = new Database(file, { fileMustExist: true });
    return readDbFacts(db);
  } catch {
    return null;
  } finally {
    db?.close();
  }
}
