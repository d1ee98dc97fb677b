import type { HubTx } from '../db/pool.js';
import type { OwnMutationsPage, OwnMutationsQuery } from '../../sync/contract-protocol.js';

/**
 * The asking node's own mutations with seq in (after, before), in seq order: a restored depot asks
 * for the range its restore lost, so a crew phone replaying one of them is answered "already applied"
 * there instead of applying it a second time (docs/sync.md "A depot restored from a backup"). The
 * node comes from the credential, so a depot can only ever read its own ids. Refused mutations are
 * left out: they never took effect anywhere, so running one again is not a double.
 */
export async function readOwnMutations(tx: HubTx, who: { orgId: string; nodeId: string }, q: OwnMutationsQuery): Promise<OwnMutationsPage> {
  const res = await tx.client.query<{ id: string; seq: string; actor_id: string | null; applied_at: string }>(
    `SELECT id, seq, actor_id, applied_at FROM applied_mutations
      WHERE org_id = $1 AND node_id = $2 AND seq > $3 AND seq < $4 AND outcome <> 'refused'
      ORDER BY seq LIMIT $5`,
    [who.orgId, who.nodeId, q.after, q.before, q.limit + 1],
  );
  const rows = res.rows.slice(0, q.limit);
  return {
    mutations: rows.map((r) => ({ id: r.id, seq: Number(r.seq), actorId: r.actor_id, appliedAt: Number(r.applied_at) })),
    more: res.rows.length > q.limit,
  };
}
