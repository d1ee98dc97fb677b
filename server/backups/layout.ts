import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { BackupId, BackupKind } from './contract.js';

/**
 * One backup set is a folder `<backupDir>/<yyyymmdd-hhmmss>[-n]-<kind>/` (UTC) holding
 * `depotdesk.sqlite`, `attachments/` and `manifest.json`. A set is written as `<id>.partial` and
 * renamed when complete, so a half-written set (power cut, unplugged drive) is never listed.
 */
export const SET_DB = 'depotdesk.sqlite';
export const SET_ATTACHMENTS = 'attachments';
export const SET_MANIFEST = 'manifest.json';
export const PARTIAL = '.partial';

export type BackupKindName = z.infer<typeof BackupKind>;

export const Manifest = z.object({
  format: z.literal(1),
  id: BackupId,
  kind: BackupKind,
  createdAt: z.number().int(),
  durationMs: z.number().int().nonnegative(),
  dbBytes: z.number().int().nonnegative(),
  attachmentFiles: z.number().int().nonnegative(),
  attachmentBytes: z.number().int().nonnegative(),
  integrity: z.object({ ok: z.boolean(), messages: z.array(z.string()) }),
  epoch: z.number().int().positive(),
  depotId: z.string(),
  migrations: z.number().int().nonnegative(),
});
export type Manifest = z.infer<typeof Manifest>;

function stamp(at: number): string {
  return new Date(at).toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
}

/** A fresh id; a second set in the same second (or under a pinned test clock) gets a counter. */
export function newSetId(dir: string, at: number, kind: BackupKindName): string {
  for (let n = 0; n < 1000; n++) {
    const id = `${stamp(at)}${n ? `-${n}` : ''}-${kind}`;
    if (!fs.existsSync(path.join(dir, id)) && !fs.existsSync(path.join(dir, id + PARTIAL))) return id;
  }
  throw new Error('too many backups in one second');
}

export function readManifest(setDir: string): Manifest | null {
  try {
    const parsed = Manifest.safeParse(JSON.parse(fs.readFileSync(path.join(setDir, SET_MANIFEST), 'utf8')));
    return parsed.success && parsed.data.id === path.basename(setDir) ? parsed.data : null;
  } catch {
    return null;
  }
}

/** Complete sets in `dir`, newest first. Folders without a valid manifest are not ours and are left alone. */
export function listSets(dir: string): Manifest[] {
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return [];
  }
  const sets: Manifest[] = [];
  for (const name of names) {
    if (!BackupId.safeParse(name).success) continue;
    const m = readManifest(path.join(dir, name));
    if (m) sets.push(m);
  }
  return sets.sort((a, b) => b.createdAt - a.createdAt || b.id.localeCompare(a.id));
}

/** Removes `.partial` sets left by an interrupted backup. */
export function removePartials(dir: string): string[] {
  const removed: string[] = [];
  try {
    for (const name of fs.readdirSync(dir)) {
      if (name.endsWith(PARTIAL) && BackupId.safeParse(name.slice(0, -PARTIAL.length)).success) {
        fs.rmSync(path.join(dir, name), { recursive: true, force: true });
        removed.push(name);
      }
    }
  } catch {
    /* folder not there (yet): nothing to clean */
  }
  return removed;
}
