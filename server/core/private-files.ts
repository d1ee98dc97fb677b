import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';

/**
 * The data dir holds the depot's whole database, customers' photos and signatures, reports and
 * backups: nobody but the depot's own OS account should read any of it. New files get that from the
 * process umask (so every writer — SQLite's WAL and SHM, attachments, report workers, backups — is
 * covered without each remembering a mode); files left by older versions, or by `npm run seed` run
 * under another umask, are repaired at start.
 */
export const PRIVATE_UMASK = 0o077;
const DIR_MODE = 0o700;
const FILE_MODE = 0o600;

export interface RepairReport {
  repaired: number;
  /** Paths that could not be changed (owned by someone else, or a file system without modes). */
  failed: string[];
}

/** Makes `dataDir` (created if missing) and everything under it private to this OS account. */
export function securePrivateTree(dataDir: string): RepairReport {
  process.umask(PRIVATE_UMASK);
  fs.mkdirSync(dataDir, { recursive: true, mode: DIR_MODE });
  const report: RepairReport = { repaired: 0, failed: [] };
  const visit = (target: string, isDir: boolean) => {
    const want = isDir ? DIR_MODE : FILE_MODE;
    try {
      if ((fs.lstatSync(target).mode & 0o777) !== want) {
        fs.chmodSync(target, want);
        report.repaired++;
      }
    } catch {
      report.failed.push(target);
    }
    if (!isDir) return;
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(target, { withFileTypes: true });
    } catch {
      report.failed.push(target);
      return;
    }
    // Symlinks are left alone: their target may be a shared folder chosen on purpose (a backup share).
    for (const e of entries) if (e.isDirectory() || e.isFile()) visit(path.join(target, e.name), e.isDirectory());
  };
  visit(dataDir, true);
  return report;
}

export function logRepair(log: Logger, dataDir: string, report: RepairReport): void {
  if (report.repaired > 0)
    log.warn(
      { dataDir, repaired: report.repaired },
      `made ${report.repaired} files and folders in the data dir private to this account (they were readable by other users)`,
    );
  if (report.failed.length > 0)
    log.error({ dataDir, failed: report.failed.slice(0, 20) }, `could not make ${report.failed.length} paths in the data dir private`);
}
