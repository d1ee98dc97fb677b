import type { Host } from '../core/context.js';
import { systemCtx } from '../core/context.js';
import type { Sqlite } from '../../db/client.js';
import { runSyncApply } from './apply-scope.js';
import { PendingFields } from './pending.js';
import { RowApplier } from './row-apply.js';
import { checkValue, knownSyncTable, SyncApplyError, travels, type SyncTable } from './sync-tables.js';
export type { HeldEntry } from './held-store.js';
import { ackedSeq, readSyncState } from './sync-state.js';

/**
 * Versions apart (docs/sync.md): a hub or depot one release newer sends columns or tables this
 * release does not have. They are kept in `sync_held` as they arrive (RowApplier.hold) instead of
 * being dropped, and applied here, oldest first, when the host starts after an upgrade that brought
 * them, so an older depot loses nothing of what a newer one wrote. Held fields of a row are written
 * as the hub sent them; anything the hub sends later is newer and is applied after (the host replays
 * before its sync loop starts).
 */

export interface HeldSummary {
  /** Entries waiting. */
  entries: number;
  /** `table.column` (or `table` for whole rows) of what waits, for the Sync page. */
  names: string[];
}

/** What waits for an upgrade, for the Sync page: counts and the names (at most 20). */
export function heldSummary(sqlite: Sqlite, orgId: string): HeldSummary {
  const rows = sqlite
    .prepare('SELECT tbl, kind, fields FROM sync_held WHERE org_id = ? GROUP BY tbl, kind, fields LIMIT 200')
    .all(orgId) as {
    tbl: string;
    kind: string;
    fields: string;
  }[];
  const names = new Set<string>();
  for (const r of rows) {
    if (!knownSyncTable(r.tbl)) names.add(r.tbl);
    else for (const k of Object.keys(JSON.parse(r.fields) as object)) names.add(`${r.tbl}.${k}`);
  }
  const entries = sqlite.prepare('SELECT count(*) FROM sync_held WHERE org_id = ?').pluck().get(orgId) as number;
  return { entries, names: [...names].sort().slice(0, 20) };
}

/**
 * Applies every held entry this release can now take, in arrival order, in one sync apply; an entry
 * of which only part is known keeps the rest held. Returns how many entries were applied (in whole or
 * in part). Nothing is read unless some held table or column is known now: a depot still older than
 * its hub pays one small query per start.
 */
export function replayHeld(host: Host, orgId: string): number {
  const { sqlite } = host;
  const tables = sqlite.prepare('SELECT DISTINCT tbl FROM sync_held WHERE org_id = ?').pluck().all(orgId) as string[];
  const now = tables.filter((t) => knownSyncTable(t));
  if (now.length === 0) return 0;
  const state = readSyncState(sqlite, orgId);
  const ctx = systemCtx(host, orgId, 'sync');
  return runSyncApply(host, orgId, 'sync.held_applied', 'held', (touched) => {
    const applier = new RowApplier(
      ctx,
      state?.replicaOrgId ?? orgId,
      new PendingFields(sqlite, orgId, ackedSeq(sqlite, orgId), new Set()),
      touched,
    );
    const entries = sqlite
      .prepare(
        `SELECT id, kind, tbl, row_id AS rowId, fields, clocks FROM sync_held WHERE org_id = ? AND tbl IN (${now.map(() => '?').join(',')}) ORDER BY id`,
      )
      .all(orgId, ...now) as { id: number; kind: 'row' | 'fact'; tbl: string; rowId: string; fields: string; clocks: string | null }[];
    let applied = 0;
    for (const e of entries) {
      const t = knownSyncTable(e.tbl)!;
      const fields = JSON.parse(e.fields) as Record<string, unknown>;
      const known = Object.fromEntries(Object.entries(fields).filter(([k]) => t.byName.has(k)));
      if (Object.keys(known).length === 0) continue;
      const where = `sync_held.${e.id}`;
      const c = e.clocks ? (JSON.parse(e.clocks) as Record<string, string>) : undefined;
      // The applier holds again whatever is still unknown (a field of a release newer still).
      if (e.kind === 'row') applier.row({ t: e.tbl, r: e.rowId, f: fields, c }, where);
      else if (!factExists(sqlite, t, e.rowId)) applier.fact({ t: e.tbl, r: e.rowId, f: fields }, where);
      else if (t.name === 'audit_log')
        continue; // its hash chain covers what it was written with
      else fillFact(sqlite, t, e.rowId, known, where, orgId);
      sqlite.prepare('DELETE FROM sync_held WHERE id = ?').run(e.id);
      applied += 1;
    }
    applier.finish();
    return applied;
  });
}

function factExists(sqlite: Sqlite, t: SyncTable, id: string): boolean {
  return sqlite.prepare(`SELECT 1 FROM "${t.name}" WHERE id = ?`).get(id) !== undefined;
}

/**
 * Writes held columns into a fact this depot already stored without them (it arrived before the
 * upgrade that added them). Append-only rows are guarded by BEFORE UPDATE triggers; the fact is the
 * same fact its origin wrote, only completed, so the guard is lifted for this one statement and put
 * back in the same transaction (SQLite's DDL is transactional: a failure restores both).
 */
function fillFact(sqlite: Sqlite, t: SyncTable, id: string, fields: Record<string, unknown>, where: string, orgId: string): void {
  const set = Object.entries(fields).map(([name, value]) => {
    const c = t.byName.get(name)!;
    if (!travels(c)) throw new SyncApplyError(`${t.name}.${name} is a '${c.kind}' column: it never travels.`, `${where}.f.${name}`);
    checkValue(c, value, `${where}.f.${name}`, t.name);
    return { name, value: value === null ? null : (c.column.mapToDriverValue(value) as unknown) };
  });
  const guards = sqlite
    .prepare("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = ? AND sql LIKE '%BEFORE UPDATE%'")
    .all(t.name) as { name: string; sql: string }[];
  for (const g of guards) sqlite.exec(`DROP TRIGGER "${g.name}"`);
  sqlite
    .prepare(
      `UPDATE "${t.name}" SET ${set.map((s) => `"${s.name}" = ?`).join(', ')} WHERE id = ? AND "${t.columns.find((c) => c.key === t.orgKey)!.name}" = ?`,
    )
    .run(...set.map((s) => s.value), id, orgId);
  for (const g of guards) sqlite.exec(g.sql);
}
