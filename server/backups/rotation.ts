import type { BackupKindName } from './layout.js';

/**
 * How many sets of each kind are kept: 7 nightly sets cover the last week day by day, 4 weekly
 * sets the month before. Quit and manual sets are extra safety nets with their own small quotas,
 * so a desk that is closed ten times a day cannot push the nightly history out.
 */
export const KEEP: Readonly<Record<BackupKindName, number>> = { daily: 7, weekly: 4, quit: 3, manual: 10 };

const DAY = 86_400_000;

export interface RotatableSet {
  id: string;
  kind: BackupKindName;
  createdAt: number;
  integrity: { ok: boolean };
}

/**
 * The sets to delete, oldest kept last. A set that failed its integrity check does not count
 * towards its kind's quota (a failing drive must not push good backups out); only the newest
 * failed one of each kind stays, so the failure remains visible on the admin screen.
 */
export function setsToDelete(sets: RotatableSet[], keep: Readonly<Record<BackupKindName, number>> = KEEP): string[] {
  const out: string[] = [];
  for (const kind of Object.keys(keep) as BackupKindName[]) {
    const ofKind = sets.filter((s) => s.kind === kind).sort((a, b) => b.createdAt - a.createdAt || b.id.localeCompare(a.id));
    const good = ofKind.filter((s) => s.integrity.ok);
    const failed = ofKind.filter((s) => !s.integrity.ok);
    out.push(...good.slice(keep[kind]).map((s) => s.id), ...failed.slice(1).map((s) => s.id));
  }
  return out;
}

/**
 * What tonight's set is called: the first nightly set of each week is the weekly one. "A week"
 * is measured from the last good weekly set with half a day of slack, so a backup that ran a few
 * minutes later than last week's still starts the new week.
 */
export function nightlyKind(sets: RotatableSet[], now: number): 'daily' | 'weekly' {
  const lastWeekly = sets.filter((s) => s.kind === 'weekly' && s.integrity.ok).reduce((max, s) => Math.max(max, s.createdAt), -Infinity);
  return now - lastWeekly >= 7 * DAY - DAY / 2 ? 'weekly' : 'daily';
}
