import type { HubTx } from '../db/pool.js';
import { SYNC_SCHEMA_EPOCH, type PushAnswer, type PushBatch, type PushResult } from '../../sync/contract-protocol.js';
import { AppError, ValidationError } from '../../errors.js';
import { mergeMutations } from './merge.js';
import { loadState, storedResults, writePush } from './store.js';

export interface PushCtx {
  /** From the node credential, never from the body. */
  orgId: string;
  nodeId: string;
  now: number;
}

/** The (node, epoch) chain is broken: the depot must resend from `expectedAfterSeq`. */
export class SyncGapError extends AppError {
  constructor(expectedAfterSeq: number | null, got: number | null) {
    super(
      409,
      'sync_gap',
      `This batch starts after seq ${String(got)}, but the hub has acknowledged this node's epoch only through ${expectedAfterSeq ?? 'nothing yet'}: resend from there.`,
      [],
      { expectedAfterSeq },
    );
  }
}

/** What the contract cannot say about a batch: its mutations in seq order inside its header's range. */
function checkShape(batch: PushBatch, ctx: PushCtx): void {
  const problems: { field: string; message: string }[] = [];
  if (batch.node !== ctx.nodeId) problems.push({ field: 'body.node', message: "is not this credential's node" });
  if (batch.afterSeq !== null && batch.afterSeq >= batch.toSeq) problems.push({ field: 'body.afterSeq', message: 'must be below toSeq' });
  const ids = new Set<string>();
  let last = batch.afterSeq ?? 0;
  batch.mutations.forEach((m, i) => {
    if (m.seq <= last) problems.push({ field: `body.mutations.${i}.seq`, message: 'must rise, above afterSeq' });
    if (m.seq > batch.toSeq) problems.push({ field: `body.mutations.${i}.seq`, message: 'is past toSeq' });
    if (ids.has(m.id)) problems.push({ field: `body.mutations.${i}.id`, message: 'appears twice in the batch' });
    ids.add(m.id);
    last = m.seq;
  });
  // PostgreSQL's text and jsonb cannot hold NUL; refuse the batch before any statement sees it.
  if (JSON.stringify(batch.mutations).includes('\\u0000')) problems.push({ field: 'body.mutations', message: 'contains a NUL character' });
  if (problems.length) {
    throw new ValidationError(
      `The push batch is not valid: ${problems.map((p) => `${p.field} ${p.message}`).join('; ')}`,
      problems.slice(0, 50),
    );
  }
  if (batch.schema !== SYNC_SCHEMA_EPOCH) {
    throw new AppError(
      409,
      'schema_incompatible',
      `This hub speaks sync schema ${SYNC_SCHEMA_EPOCH}, the depot ${batch.schema}: update the older side.`,
    );
  }
}

/**
 * Applies one push batch in the caller's transaction (org already set by withOrg): docs/sync.md,
 * "Push". Locks the org's version row first, so pushes of one org apply one at a time and their
 * versions commit in order; pushes of other orgs do not wait.
 */
export async function applyPush(tx: HubTx, ctx: PushCtx, batch: PushBatch): Promise<PushAnswer> {
  checkShape(batch, ctx);
  const { client } = tx;
  const { orgId, nodeId, now } = ctx;
  // Creates the counter on the org's first push; ON CONFLICT DO UPDATE takes the row lock either way.
  const locked = await client.query<{ version: string }>(
    `INSERT INTO org_versions (org_id, version) VALUES ($1, 0)
     ON CONFLICT (org_id) DO UPDATE SET version = org_versions.version RETURNING version`,
    [orgId],
  );
  const versionBefore = Number(locked.rows[0]!.version);
  // One read of the node's streams: this epoch's acknowledged seq, and whether the node ever pushed (any epoch).
  const stream = await client.query<{ acked_seq: string | null; streams: number }>(
    'SELECT max(acked_seq) FILTER (WHERE epoch = $3) AS acked_seq, count(*)::int AS streams FROM node_streams WHERE org_id = $1 AND node_id = $2',
    [orgId, nodeId, batch.epoch],
  );
  const ackedText = stream.rows[0]?.acked_seq ?? null;
  const acked = ackedText === null ? null : Number(ackedText);
  const nodeIsNew = (stream.rows[0]?.streams ?? 0) === 0;
  if (batch.afterSeq !== null && (acked === null || batch.afterSeq > acked)) throw new SyncGapError(acked, batch.afterSeq);

  const stored = await storedResults(
    client,
    orgId,
    batch.mutations.map((m) => m.id),
  );
  const fresh = batch.mutations.filter((m) => !stored.has(m.id));
  const state = await loadState(client, orgId, fresh);
  const merged = mergeMutations(state, { nodeId, epoch: batch.epoch, now, version: versionBefore, nodeIsNew }, fresh);
  await writePush(client, {
    orgId,
    nodeId,
    epoch: batch.epoch,
    now,
    rows: [...merged.dirtyRows].map((key) => ({ key, row: state.rows.get(key)! })),
    facts: merged.facts,
    batchRows: merged.batchRows,
    conflicts: merged.conflicts,
    answered: merged.merged,
  });
  const ackedSeq = Math.max(acked ?? 0, batch.toSeq);
  await client.query(
    `INSERT INTO node_streams (org_id, node_id, epoch, acked_seq) VALUES ($1, $2, $3, $4)
     ON CONFLICT (org_id, node_id, epoch) DO UPDATE SET acked_seq = GREATEST(node_streams.acked_seq, excluded.acked_seq)`,
    [orgId, nodeId, batch.epoch, ackedSeq],
  );
  if (merged.version !== versionBefore) {
    await client.query('UPDATE org_versions SET version = $2 WHERE org_id = $1', [orgId, merged.version]);
  }
  await client.query('UPDATE nodes SET last_push_at = $3 WHERE org_id = $1 AND id = $2', [orgId, nodeId, now]);

  const byId = new Map(merged.merged.map((m) => [m.mutation.id, m.result]));
  const results = batch.mutations.map((m): PushResult => {
    const first = stored.get(m.id);
    if (!first) return byId.get(m.id)!;
    // An applied mutation is answered as a duplicate; a refusal or conflict as it was the first time,
    // so a depot whose acknowledgement was lost still learns why. The answer names the seq this batch
    // sent it with: a depot restored from a backup replays a keyed request (same mutation id, derived
    // from its Idempotency-Key) under a new epoch and seq, and must be able to match the answer.
    return { ...first, seq: m.seq, outcome: first.outcome === 'applied' ? 'duplicate' : first.outcome };
  });
  return { ackedSeq, version: merged.version, results };
}
