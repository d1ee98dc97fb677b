import type { Host } from '../core/context.js';
import { AppError } from '../errors.js';
import type { SyncStore } from './loop.js';
import { applyCheckedPullPage } from './pull-apply.js';
import { applyPushAnswer } from './push-answer.js';
import { readPushBatch } from './push-batch.js';
import { lostRanges, recordReplayable } from './replayable.js';
import { applyFetched, localChecksums, localIds, readDrift, recordDrift } from './drift.js';
import { contentTables, localBucket, withNulls } from './drift-content.js';
import { blobsToSend, markBlob } from './blobs.js';
import { ackedSeq, markResnapshotNeeded, nextPull, pendingCount, readSyncState, recordSyncError } from './sync-state.js';

/**
 * The loop's store (loop.ts SyncStore) on the host's SQLite: each method is one read or one
 * transaction of the depot-side functions (push-batch, push-answer, pull-apply, sync-state). The org
 * is looked up on every call: before first-run setup there is none, and the loop then idles.
 */
export function depotStore(host: Host, orgOf: () => string | null): SyncStore {
  const org = () => {
    const id = orgOf();
    if (!id) throw new Error('this depot has no organization yet');
    return id;
  };
  return {
    link() {
      const id = orgOf();
      const s = id ? readSyncState(host.sqlite, id) : null;
      return s ? { hubUrl: s.hubUrl, credential: s.credential, paused: s.paused } : null;
    },
    nextBatch: (max) => readPushBatch(host, org(), { maxMutations: max }),
    applyPushAnswer: (batch, answer) => void applyPushAnswer(host, org(), batch, answer),
    rewindAck(batch, expectedAfterSeq) {
      const orgId = org();
      const to = expectedAfterSeq ?? 0;
      // Resending from `to` needs every change after it; compaction drops only acknowledged ones, so
      // a hub that lost what it acknowledged (restored from an older backup) may ask for rows we no
      // longer have. Say so instead of sending a batch with holes.
      const oldest = host.sqlite
        .prepare(
          'SELECT min(mutation_seq) FROM changes WHERE mutation_seq > ? AND mutation_seq IN (SELECT seq FROM mutations WHERE org_id = ?)',
        )
        .pluck()
        .get(to, orgId) as number | null;
      const firstWanted = host.sqlite
        .prepare('SELECT min(seq) FROM mutations WHERE org_id = ? AND seq > ? AND epoch = ?')
        .pluck()
        .get(orgId, to, batch.epoch) as number | null;
      if (firstWanted !== null && oldest !== null && oldest > firstWanted)
        throw new AppError(
          409,
          'sync_hub_behind',
          `The hub has this depot's changes only up to #${to}, and the depot has already pruned some after it (the hub was probably restored from an older backup). Re-snapshot this depot from the hub, or restore the hub.`,
        );
      // The hub now holds less than it once acknowledged: its history was rewound (a restore), so the
      // versions after its current one will be handed out again to other writes, and a cursor past
      // them would skip those for good. Pull from 0 again, in the same transaction as the rewind.
      const forgotten = to < ackedSeq(host.sqlite, orgId);
      host.commits.run(() => {
        host.sqlite
          .prepare(
            'INSERT INTO sync_acks (org_id, acked_seq, acked_at) VALUES (?, ?, ?) ON CONFLICT (org_id) DO UPDATE SET acked_seq = excluded.acked_seq, acked_at = excluded.acked_at',
          )
          .run(orgId, to, host.clock.now());
        if (forgotten)
          host.sqlite
            .prepare('UPDATE sync_state SET resnapshot_needed = 1, pull_cursor = 0, pull_since = NULL WHERE org_id = ?')
            .run(orgId);
      });
      host.commits.flush();
    },
    cursor() {
      const id = orgOf();
      return (id ? nextPull(host.sqlite, id) : null) ?? { after: 0, since: 0 };
    },
    applyPullPage: (page) => void applyCheckedPullPage(host, org(), page),
    resnapshot: () => markResnapshotNeeded(host, org()),
    pending() {
      const id = orgOf();
      return id ? pendingCount(host.sqlite, id) : 0;
    },
    lostRanges() {
      const id = orgOf();
      return id ? lostRanges(host.sqlite, id, host.depotId) : [];
    },
    recordReplayable: (page, doneEpoch) => recordReplayable(host, org(), page, doneEpoch),
    driftChecksums() {
      const orgId = org();
      return localChecksums(host.sqlite, orgId, readSyncState(host.sqlite, orgId)?.replicaOrgId ?? orgId);
    },
    driftIds(table) {
      const orgId = org();
      return localIds(host.sqlite, table, orgId, readSyncState(host.sqlite, orgId)?.replicaOrgId ?? orgId);
    },
    driftApply: (answer) => applyFetched(host, org(), answer),
    driftRepair: (table, rows) => applyFetched(host, org(), { rows: rows.map((r) => withNulls(table, r)), facts: [] }),
    driftContentTables: () => contentTables(),
    driftBucket: (table, first, last) => localBucket(host.sqlite, table, org(), first, last),
    driftCursor() {
      const id = orgOf();
      return id ? (readDrift(host.sqlite, id)?.summary.contentCursor ?? null) : null;
    },
    driftCheckedAt() {
      const id = orgOf();
      return id ? (readDrift(host.sqlite, id)?.checkedAt ?? null) : null;
    },
    driftRecord: (summary) => recordDrift(host, org(), summary),
    blobsToSend(limit) {
      const id = orgOf();
      return id ? blobsToSend(host, id, limit) : [];
    },
    blobMark: (sha256, state, message) => markBlob(host, org(), sha256, state, message ?? null),
    recordOutcome(o) {
      const id = orgOf();
      if (!id) return;
      if (o.error) {
        recordSyncError(host, id, o.error);
        return;
      }
      host.commits.run(() =>
        host.sqlite
          .prepare(
            'UPDATE sync_state SET last_push_at = coalesce(?, last_push_at), last_pull_at = coalesce(?, last_pull_at), last_error = NULL, last_error_at = NULL WHERE org_id = ?',
          )
          .run(o.pushedAt ?? null, o.pulledAt ?? null, id),
      );
    },
  };
}

/** Open refusals and conflicts, for the header's counts. */
export function openRefusalCounts(host: Host, orgId: string): { refused: number; conflict: number } {
  const rows = host.sqlite
    .prepare('SELECT outcome, count(*) AS n FROM sync_refusals WHERE org_id = ? AND dismissed_at IS NULL GROUP BY outcome')
    .all(orgId) as { outcome: 'refused' | 'conflict'; n: number }[];
  const out = { refused: 0, conflict: 0 };
  for (const r of rows) out[r.outcome] = r.n;
  return out;
}

export interface RefusalRow {
  mutationId: string;
  seq: number;
  action: string | null;
  outcome: 'refused' | 'conflict';
  code: string | null;
  message: string | null;
  at: number;
  dismissedAt: number | null;
}

/** Refusals for the Sync page: the open ones, or (dismissed) the ones already seen, newest first, at most 500. */
export function listRefusals(host: Host, orgId: string, dismissed: boolean): RefusalRow[] {
  return host.sqlite
    .prepare(
      `SELECT mutation_id AS mutationId, seq, action, outcome, code, message, at, dismissed_at AS dismissedAt
       FROM sync_refusals WHERE org_id = ? AND (dismissed_at IS NOT NULL) = ? ORDER BY seq DESC LIMIT 500`,
    )
    .all(orgId, dismissed ? 1 : 0) as RefusalRow[];
}
