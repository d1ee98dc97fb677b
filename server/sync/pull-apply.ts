import { systemCtx, type Host } from '../core/context.js';
import { ClockDriftError } from '../core/hlc.js';
import { HLC_HIGH_KEY } from '../core/node-state.js';
import { AppError, ConflictError, ValidationError } from '../errors.js';
import { runSyncApply } from './apply-scope.js';
import { PullPage } from './contract-protocol.js';
import { PendingFields } from './pending.js';
import { RowApplier, type ApplyCounts } from './row-apply.js';
import { BULK_SEARCH_INDEX_FROM, withBulkSearchIndex } from './search-index.js';
import { deferIndexes, restoreIndexes } from './snapshot-indexes.js';
import { ackedSeq, readSyncState } from './sync-state.js';

export interface PullApplyResult {
  /** False when the page was already applied (its range is at or behind the cursor): nothing was written. */
  applied: boolean;
  /** The pull cursor after this call. */
  cursor: number;
  counts: ApplyCounts | null;
  /** The hub's latest stamp was too far ahead of this depot's clock to merge (counted in /metrics). */
  clockRefused: boolean;
}

/**
 * Applies one pull page (docs/sync.md "Pull") and its new cursor in ONE SQLite transaction:
 * facts first (events, audit, ... inserted once; a work order's status history is then there for its
 * derived stamps), then entity rows field by field, leaving alone every field with a local change the
 * hub has not acknowledged, then the stock levels the page moved and the cursor. Nothing enters this
 * depot's change log. A page this depot cannot apply (a table or column outside the policy, a value of
 * the wrong type, a cursor that does not follow on) throws and changes nothing, the cursor included.
 *
 * `page` may come straight off the wire: it is validated with the contract's schema here.
 */
export function applyPullPage(host: Host, orgId: string, input: unknown): PullApplyResult {
  const parsed = PullPage.safeParse(input);
  if (!parsed.success) throw ValidationError.fromZod('pull page', parsed.error);
  return applyCheckedPullPage(host, orgId, parsed.data);
}

/**
 * The same for a page already parsed with the contract's schema (the hub client validates what it
 * reads): validating a 5,000-row page again cost ~35 ms of every snapshot page. The policy checks of
 * every table, column and value (RowApplier) still run.
 */
export function applyCheckedPullPage(host: Host, orgId: string, page: PullPage): PullApplyResult {
  const state = readSyncState(host.sqlite, orgId);
  if (!state) throw new AppError(409, 'sync_not_enrolled', 'This depot has not joined a hub: there is no pull cursor to move.');
  if (page.to < page.after) throw new ValidationError(`The pull page ends (${page.to}) before it starts (${page.after}).`);
  if (page.after !== state.pullCursor) {
    // A page sent again (a retry after a lost answer): already applied, so applying it again changes nothing.
    if (page.to <= state.pullCursor) return { applied: false, cursor: state.pullCursor, counts: null, clockRefused: false };
    throw new ConflictError(
      'sync_cursor_mismatch',
      `This pull page starts after version ${page.after}, but this depot has applied through ${state.pullCursor}; pull again from there.`,
      { cursor: state.pullCursor },
    );
  }
  const ctx = systemCtx(host, orgId, 'sync');
  let clockRefused = false;
  const counts = runSyncApply(host, orgId, 'sync.pulled', 'pull', (touched) => {
    const { sqlite } = host;
    const applier = new RowApplier(
      ctx,
      state.replicaOrgId,
      new PendingFields(sqlite, orgId, ackedSeq(sqlite, orgId), rowKeys(page.rows, state.replicaOrgId, orgId)),
      touched,
    );
    // A snapshot over several pages builds the big tables' secondary indexes once, when it ends.
    const snapshot = (state.pullSince ?? page.after) === 0;
    if (snapshot && page.more) deferIndexes(sqlite);
    for (let i = 0; i < page.facts.length; i++) applier.fact(page.facts[i]!, `facts.${i}`);
    const workOrders = page.rows.filter((r) => r.t === 'work_orders').map((r) => r.r);
    if (workOrders.length >= BULK_SEARCH_INDEX_FROM) applier.loadHistories(workOrders);
    const done = withBulkSearchIndex(sqlite, workOrders, () => {
      for (let i = 0; i < page.rows.length; i++) applier.row(page.rows[i]!, `rows.${i}`);
      return applier.finish();
    });
    if (applier.latestStamp) {
      try {
        // Our next stamps sort after everything we have seen from the organization.
        host.hlc.receive(applier.latestStamp);
        // In this transaction, as the host does in every batch: the cursor never commits without the clock's high-water mark.
        sqlite
          .prepare('INSERT INTO host_settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value')
          .run(HLC_HIGH_KEY, JSON.stringify(host.hlc.last()));
      } catch (err) {
        if (!(err instanceof ClockDriftError)) throw err;
        clockRefused = true;
      }
    }
    if (!page.more) restoreIndexes(sqlite);
    const moved = sqlite
      .prepare(
        `UPDATE sync_state SET pull_cursor = ?, pull_since = ?, last_pull_at = ?, resnapshot_needed = 0, last_error = NULL, last_error_at = NULL
         WHERE org_id = ? AND pull_cursor = ?`,
      )
      // A catch-up keeps its start while more pages wait, and ends with the page that says no more.
      .run(page.to, page.more ? (state.pullSince ?? page.after) : null, host.clock.now(), orgId, page.after).changes;
    if (moved !== 1) throw new ConflictError('sync_cursor_mismatch', 'The pull cursor moved while this page was applied; pull again.');
    return done;
  });
  return { applied: true, cursor: page.to, counts, clockRefused };
}

/** The rows a page names, as PendingFields keys (the organization's row under this depot's own org id). */
function rowKeys(rows: PullPage['rows'], replicaOrgId: string, orgId: string): Set<string> {
  return new Set(rows.map((r) => `${r.t}\n${r.t === 'organizations' && r.r === replicaOrgId ? orgId : r.r}`));
}
