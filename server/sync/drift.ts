import { createHash } from 'node:crypto';
import Database from 'better-sqlite3';
import type { Host } from '../core/context.js';
import { systemCtx } from '../core/context.js';
import type { Sqlite } from '../../db/client.js';
import { allPolicies } from '../../db/schema/sync-policies.js';
import { runSyncApply } from './apply-scope.js';
import type { RowsByIdAnswer } from './contract-protocol.js';
import { PendingFields } from './pending.js';
import { RowApplier } from './row-apply.js';
import { ackedSeq, readSyncState } from './sync-state.js';
import { knownSyncTable } from './sync-tables.js';

/**
 * Drift (docs/sync.md "Drift"): every so often, when nothing is pending either way, the depot
 * compares which rows it holds per replicated table with the hub's (a count and an MD5 of the sorted
 * ids). A table that differs is compared id by id: rows the hub has and this depot lacks (a lost
 * write, a bug, a hand edit of the file) are fetched and applied as a pull would; rows only here are
 * counted and shown, never deleted (they may be the only copy). Field values are compared next, in
 * buckets (drift-content.ts, drift-check.ts).
 *
 * The audit log is left out: its rows are chained per depot and verified by their own check.
 */

export interface DriftSummary {
  /** Tables compared. */
  tables: number;
  /** Tables whose rows differed. */
  mismatched: string[];
  /** Rows fetched from the hub and applied. */
  fetched: number;
  /** Per table, rows this depot has that the hub does not. */
  onlyHere: Record<string, number>;
  /** Rows whose fields were compared with the hub's (drift-check.ts), and rows whose fields differed and were re-fetched. */
  compared: number;
  repaired: number;
  /** Where the comparison of contents stopped for want of time; the next check resumes there. */
  contentCursor: { t: string; after: string } | null;
}

export interface TableChecksum {
  kind: 'row' | 'fact';
  count: number;
  md5: string;
}

/** The replicated tables the check covers, with the column that ties a row to its org. */
function coveredTables(): { name: string; kind: 'row' | 'fact'; orgColumn: string }[] {
  const out: { name: string; kind: 'row' | 'fact'; orgColumn: string }[] = [];
  for (const p of allPolicies()) {
    if ((p.merge !== 'entity' && p.merge !== 'append') || p.table === 'audit_log') continue;
    const t = knownSyncTable(p.table);
    if (!t) continue;
    out.push({ name: p.table, kind: p.merge === 'entity' ? 'row' : 'fact', orgColumn: t.orgKey === 'id' ? 'id' : 'org_id' });
  }
  return out;
}

/**
 * Reads for the check go through their own read-only connection, a few thousand rows at a time with
 * the event loop let go in between: a depot with millions of events would otherwise hold every
 * request and socket for seconds while its ids are hashed (the host's own connection cannot be
 * shared with an open iterator either). SQLite's BINARY order of ids is the hub's COLLATE "C".
 */
async function eachId(sqlite: Sqlite, table: string, orgColumn: string, orgId: string, fn: (id: string) => void): Promise<void> {
  const reader = new Database(sqlite.name, { readonly: true, fileMustExist: true });
  try {
    const page = reader.prepare(`SELECT id FROM "${table}" WHERE "${orgColumn}" = ? AND id > ? ORDER BY id LIMIT 5000`).pluck();
    for (let after = ''; ;) {
      const ids = page.all(orgId, after) as string[];
      for (const id of ids) fn(id);
      if (ids.length < 5000) return;
      after = ids[ids.length - 1]!;
      await new Promise((r) => setImmediate(r));
    }
  } finally {
    reader.close();
  }
}

/** This depot's ids of one table as the hub names them (the organization's row by its replica id), in order. */
export async function localIds(sqlite: Sqlite, table: string, orgId: string, replicaOrgId: string): Promise<string[]> {
  const t = coveredTables().find((c) => c.name === table);
  if (!t) return [];
  if (table === 'organizations') return [replicaOrgId];
  const ids: string[] = [];
  await eachId(sqlite, table, t.orgColumn, orgId, (id) => ids.push(id));
  return ids;
}

export async function localChecksums(sqlite: Sqlite, orgId: string, replicaOrgId: string): Promise<Map<string, TableChecksum>> {
  const out = new Map<string, TableChecksum>();
  for (const t of coveredTables()) {
    const hash = createHash('md5');
    let count = 0;
    const add = (id: string) => hash.update(count++ === 0 ? id : `,${id}`);
    if (t.name === 'organizations') add(replicaOrgId);
    else await eachId(sqlite, t.name, t.orgColumn, orgId, add);
    out.set(t.name, { kind: t.kind, count, md5: count ? hash.digest('hex') : '' });
  }
  return out;
}

/** Applies rows fetched for a drift repair, as a pull page's are (no cursor moves, nothing enters the log). */
export function applyFetched(host: Host, orgId: string, answer: RowsByIdAnswer): number {
  const state = readSyncState(host.sqlite, orgId);
  const replicaOrgId = state?.replicaOrgId ?? orgId;
  const ctx = systemCtx(host, orgId, 'sync');
  return runSyncApply(host, orgId, 'sync.drift_repaired', 'drift', (touched) => {
    const keys = new Set(answer.rows.map((r) => `${r.t}\n${r.t === 'organizations' && r.r === replicaOrgId ? orgId : r.r}`));
    const applier = new RowApplier(ctx, replicaOrgId, new PendingFields(host.sqlite, orgId, ackedSeq(host.sqlite, orgId), keys), touched);
    answer.facts.forEach((f, i) => applier.fact(f, `facts.${i}`));
    answer.rows.forEach((r, i) => applier.row(r, `rows.${i}`));
    const counts = applier.finish();
    return counts.inserted + counts.updated + counts.factsInserted;
  });
}

export function recordDrift(host: Host, orgId: string, summary: DriftSummary): void {
  host.commits.run(() =>
    host.sqlite
      .prepare('UPDATE sync_state SET drift_checked_at = ?, drift_summary = ? WHERE org_id = ?')
      .run(host.clock.now(), JSON.stringify(summary), orgId),
  );
  host.commits.flush();
}

export function readDrift(sqlite: Sqlite, orgId: string): { checkedAt: number; summary: DriftSummary } | null {
  const row = sqlite.prepare('SELECT drift_checked_at AS at, drift_summary AS s FROM sync_state WHERE org_id = ?').get(orgId) as
    { at: number | null; s: string | null } | undefined;
  if (!row?.at || !row.s) return null;
  // Checks recorded before contents were compared lack their figures.
  const summary = { compared: 0, repaired: 0, contentCursor: null, ...(JSON.parse(row.s) as Partial<DriftSummary>) } as DriftSummary;
  return { checkedAt: row.at, summary };
}
