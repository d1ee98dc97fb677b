import type { Host } from '../core/context.js';
import type { Sqlite } from '../../db/client.js';
import type { OwnMutationsPage } from './contract-protocol.js';

/**
 * A depot restored from a backup has lost the mutations it made after that backup, but the hub may
 * hold them (they were pushed before the restore). A crew phone that never got its answer sends such
 * a request again with the same Idempotency-Key; without the original header here, the depot would
 * run it a second time under a new seq, the hub would recognise the mutation id and keep its first
 * copy, and this depot would be left with rows nobody else has. So after a new epoch the sync loop
 * asks the hub for this node's ids in the lost seq range and keeps them here, where the replay check
 * (server/http/idempotency.ts lookupMutation) finds them. docs/sync.md "A depot restored from a backup".
 */

export interface LostRange {
  epoch: number;
  /** The restored database's own highest seq. */
  after: number;
  /** The epoch's first seq: everything below it and above `after` was handed out and then lost here. */
  before: number;
}

/** Lost seq ranges of this node not yet asked about, oldest epoch first. */
export function lostRanges(sqlite: Sqlite, orgId: string, nodeId: string): LostRange[] {
  return sqlite
    .prepare(
      `SELECT e.epoch, e.lost_after_seq AS "after", e.seq_floor AS "before" FROM node_epochs e
        WHERE e.node_id = ? AND e.lost_after_seq IS NOT NULL AND e.lost_after_seq + 1 < e.seq_floor
          AND e.epoch > coalesce((SELECT reconciled_epoch FROM sync_state WHERE org_id = ?), 0)
        ORDER BY e.epoch`,
    )
    .all(nodeId, orgId) as LostRange[];
}

/** Keeps one page of the hub's answer; `doneEpoch` once the range's last page is in. */
export function recordReplayable(host: Host, orgId: string, page: OwnMutationsPage, doneEpoch: number | null): void {
  host.commits.run(() => {
    const insert = host.sqlite.prepare(
      'INSERT INTO sync_replayable (mutation_id, org_id, actor_id, applied_at) VALUES (?, ?, ?, ?) ON CONFLICT (mutation_id) DO NOTHING',
    );
    for (const m of page.mutations) insert.run(m.id.toLowerCase(), orgId, m.actorId, m.appliedAt);
    if (doneEpoch !== null)
      host.sqlite
        .prepare('UPDATE sync_state SET reconciled_epoch = max(coalesce(reconciled_epoch, 0), ?) WHERE org_id = ?')
        .run(doneEpoch, orgId);
  });
  host.commits.flush();
}
