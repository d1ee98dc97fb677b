import fs from 'node:fs';
import path from 'node:path';

/** Backups hold every depot's data: owner-only, like the data dir itself (issue 11, item 6). */
export const FILE_MODE = 0o600;
export const DIR_MODE = 0o700;

export function makePrivateDir(dir: string): void {
  fs.mkdirSync(dir, { recursive: true, mode: DIR_MODE });
  chmodQuietly(dir, DIR_MODE);
}

/** chmod that tolerates file systems without Unix modes (FAT/exFAT USB sticks, SMB shares). */
export function chmodQuietly(target: string, mode: number): void {
  try {
    fs.chmodSync(target, mode);
  } catch {
    /* no Unix permissions on this volume: nothing more we can do, and the copy itself is still good */
  }
}

export interface TreeCopy {
  files: number;
  bytes: number;
  /** Files that shared storage with an earlier copy (hard links) instead of being written again. */
  linked: number;
}

/**
 * Copies every file under `from` into `to` (which must not exist yet), skipping `skip` names at the
 * top level. Attachment files are immutable once written, so a hard link to an earlier copy of the
 * same file (`linkFrom`, e.g. the previous backup set, or the source on the same disk) is as good
 * as a copy and costs no space; each set stays a complete tree that restores on its own. Where
 * links are impossible (another device, FAT, SMB) the file is copied.
 */
export async function copyTree(from: string, to: string, opts: { skip?: string[]; linkFrom?: (string | null)[] } = {}): Promise<TreeCopy> {
  const out: TreeCopy = { files: 0, bytes: 0, linked: 0 };
  // An empty folder still says "this set has no attachments" (a restore then installs none).
  if (!fs.existsSync(from)) {
    makePrivateDir(to);
    return out;
  }
  const walk = async (rel: string) => {
    makePrivateDir(path.join(to, rel));
    for (const entry of fs.readdirSync(path.join(from, rel), { withFileTypes: true })) {
      if (rel === '' && opts.skip?.includes(entry.name)) continue;
      const relPath = path.join(rel, entry.name);
      if (entry.isDirectory()) await walk(relPath);
      else if (entry.isFile()) {
        const source = path.join(from, relPath);
        const target = path.join(to, relPath);
        const size = fs.statSync(source).size;
        if (linkOne(target, relPath, size, opts.linkFrom ?? [])) out.linked += 1;
        else {
          // Asynchronous: a photo copied to a slow USB stick must not stall the host's requests.
          await fs.promises.copyFile(source, target, fs.constants.COPYFILE_EXCL);
          chmodQuietly(target, FILE_MODE);
        }
        out.files += 1;
        out.bytes += size;
      }
    }
  };
  await walk('');
  return out;
}

function linkOne(target: string, relPath: string, size: number, linkFrom: (string | null)[]): boolean {
  for (const base of linkFrom) {
    if (!base) continue;
    const candidate = path.join(base, relPath);
    try {
      // Same size is enough of a check: attachments are never rewritten in place.
      if (fs.statSync(candidate).size !== size) continue;
      fs.linkSync(candidate, target);
      return true;
    } catch {
      /* not there, or links not possible here: try the next candidate, then copy */
    }
  }
  return false;
}

/** Total size of the files under a folder (a backup set's size on the listing). */
export function treeSize(dir: string): number {
  let total = 0;
  if (!fs.existsSync(dir)) return 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) total += treeSize(p);
    else if (entry.isFile()) total += fs.statSync(p).size;
  }
  return total;
}
