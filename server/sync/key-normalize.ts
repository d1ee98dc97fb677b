import type { Sqlite } from '../../db/client.js';
import { allPolicies } from '../../db/schema/sync-policies.js';
import { knownSyncTable, type SyncTable } from './sync-tables.js';

/**
 * A `conflict` natural key (docs/sync.md "Pull"): rows that share a key are all kept, the smallest
 * id under the plain key and every other under `<key> (<last 6 of its id>)`, a rewrite each replica
 * makes locally (the hub keeps both plain, for an admin to resolve). That rule was applied only when
 * a row arrived, so a row suffixed because another held its key stayed suffixed after that holder was
 * deleted or renamed, on one replica and not on another that never saw both at once (found by the
 * convergence fuzz, seeds 6018 and 6129). This is the rule applied to the whole table: which rows
 * must move so that, per key among live rows, the smallest id has it plain and the others suffixed.
 * A deleted row is outside the unique index, so it carries the plain key, as at the hub. Only
 * single-column text keys (every conflict key today) are normalised.
 */

export interface KeyMove {
  id: string;
  /** The DB column and the value it must take. */
  column: string;
  value: string;
  version: number | null;
}

export const keySuffix = (id: string) => ` (${id.slice(-6)})`;

/** Tables with a single-column `conflict` key, with that column. */
export function conflictKeyTables(): { t: SyncTable; column: string }[] {
  const out: { t: SyncTable; column: string }[] = [];
  for (const p of allPolicies()) {
    const nk = p.naturalKey;
    if (nk?.rule !== 'conflict' || nk.columns.length !== 1) continue;
    const t = knownSyncTable(p.table);
    const c = t?.byName.get(nk.columns[0]!);
    if (t && c && c.column.columnType === 'SQLiteText') out.push({ t, column: c.name });
  }
  return out;
}

/** The rows of `t` whose key is not where the rule puts it: usually none (one indexed-free scan of suffixed rows). */
export function misplacedKeys(sqlite: Sqlite, t: SyncTable, column: string, orgId: string): KeyMove[] {
  const live = t.tombstone ? ' AND deleted_at IS NULL' : '';
  const orgColumn = t.orgKey === 'id' ? 'id' : 'org_id';
  const version = t.byName.has('version') ? 'version' : 'NULL';
  // Suffixed by the rule: the key ends in the row's own id's last six characters.
  const suffixed = sqlite
    .prepare(
      `SELECT DISTINCT substr("${column}", 1, length("${column}") - 9) AS base FROM "${t.name}"
        WHERE "${orgColumn}" = ?${live} AND length("${column}") > 9 AND substr("${column}", -9) = ' (' || substr(id, -6) || ')'`,
    )
    .pluck()
    .all(orgId) as string[];
  // Rows giving up the plain key move first, so the unique index never sees it twice.
  const release: KeyMove[] = [];
  const take: KeyMove[] = [];
  const group = sqlite.prepare(
    `SELECT id, "${column}" AS k, ${version} AS version FROM "${t.name}"
      WHERE "${orgColumn}" = ?${live} AND ("${column}" = ? OR "${column}" = ? || ' (' || substr(id, -6) || ')') ORDER BY id`,
  );
  for (const base of suffixed) {
    const rows = group.all(orgId, base, base) as { id: string; k: string; version: number | null }[];
    rows.forEach((r, i) => {
      const want = i === 0 ? base : base + keySuffix(r.id);
      if (r.k !== want) (i === 0 ? take : release).push({ id: r.id, column, value: want, version: r.version });
    });
  }
  // A deleted row is outside the unique index (live rows only): it keeps the key the hub has, plain.
  if (t.tombstone) {
    const dead = sqlite
      .prepare(
        `SELECT id, "${column}" AS k, ${version} AS version FROM "${t.name}"
          WHERE "${orgColumn}" = ? AND deleted_at IS NOT NULL AND length("${column}") > 9 AND substr("${column}", -9) = ' (' || substr(id, -6) || ')'`,
      )
      .all(orgId) as { id: string; k: string; version: number | null }[];
    for (const r of dead) take.push({ id: r.id, column, value: r.k.slice(0, -9), version: r.version });
  }
  return [...release, ...take];
}
