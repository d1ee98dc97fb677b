import { systemCtx, type Host } from '../core/context.js';
import { ValidationError } from '../errors.js';
import { runSyncApply } from './apply-scope.js';
import { PushAnswer, type PushBatch } from './contract-protocol.js';
import { PendingFields } from './pending.js';
import { RowApplier, type ApplyCounts } from './row-apply.js';
import { ackedSeq, readSyncState } from './sync-state.js';
import { SyncApplyError, syncTableOf } from './sync-tables.js';

export interface PushAnswerResult {
  /** sync_acks.acked_seq after this answer. */
  ackedSeq: number;
  refusals: number;
  counts: ApplyCounts;
}

/**
 * Applies the hub's answer to `batch` in one SQLite transaction (docs/sync.md "Push"): the
 * acknowledged seq moves forward (never back, never past the batch), every refused or conflicting
 * mutation is recorded in sync_refusals for the Sync page, and each result's `current` rows are
 * written back, the hub's value winning for those fields (a later local change to the same field,
 * not in this batch, is kept: its own push will be merged at the hub). No change-log rows.
 */
export function applyPushAnswer(host: Host, orgId: string, batch: PushBatch, input: unknown): PushAnswerResult {
  const parsed = PushAnswer.safeParse(input);
  if (!parsed.success) throw ValidationError.fromZod('push answer', parsed.error);
  const answer = parsed.data;
  const bySeq = new Map(batch.mutations.map((m) => [m.seq, m]));
  for (let i = 0; i < answer.results.length; i++) {
    const r = answer.results[i]!;
    const m = bySeq.get(r.seq);
    if (!m || m.id !== r.id)
      throw new SyncApplyError(`The hub answered for mutation ${r.id} (seq ${r.seq}), which is not in this batch.`, `results.${i}`);
    for (let j = 0; j < (r.current ?? []).length; j++) syncTableOf(r.current![j]!.t, `results.${i}.current.${j}.t`);
  }
  const state = readSyncState(host.sqlite, orgId);
  const ctx = systemCtx(host, orgId, 'sync');
  return runSyncApply(host, orgId, 'sync.push_answered', 'push-answer', (touched) => {
    const { sqlite } = host;
    const now = host.clock.now();
    const before = ackedSeq(sqlite, orgId);
    // The hub may know more of this epoch than the batch (a resend); we move only as far as what we sent.
    const acked = Math.max(before, Math.min(answer.ackedSeq, batch.toSeq));
    sqlite
      .prepare(
        `INSERT INTO sync_acks (org_id, acked_seq, acked_at) VALUES (?, ?, ?)
         ON CONFLICT (org_id) DO UPDATE SET acked_seq = excluded.acked_seq, acked_at = excluded.acked_at`,
      )
      .run(orgId, acked, now);
    const record = sqlite.prepare(
      `INSERT INTO sync_refusals (mutation_id, org_id, seq, action, outcome, code, message, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (mutation_id) DO UPDATE SET outcome = excluded.outcome, code = excluded.code, message = excluded.message`,
    );
    let refusals = 0;
    const applier = new RowApplier(
      ctx,
      state?.replicaOrgId ?? orgId,
      new PendingFields(sqlite, orgId, acked, new Set(answer.results.flatMap((r) => (r.current ?? []).map((c) => `${c.t}\n${c.r}`)))),
      touched,
    );
    answer.results.forEach((r, i) => {
      if (r.outcome === 'refused' || r.outcome === 'conflict') {
        record.run(r.id, orgId, r.seq, bySeq.get(r.seq)!.action, r.outcome, r.code ?? null, r.message ?? null, now);
        refusals += 1;
      }
      (r.current ?? []).forEach((c, j) => {
        const where = `results.${i}.current.${j}`;
        // A refused fact cannot be taken back here (append-only by trigger): its refusal is the record.
        if (syncTableOf(c.t, `${where}.t`).policy.merge === 'append') return;
        applier.row(c, where);
      });
    });
    const counts = applier.finish();
    if (state)
      sqlite.prepare('UPDATE sync_state SET last_push_at = ?, last_error = NULL, last_error_at = NULL WHERE org_id = ?').run(now, orgId);
    if (refusals > 0) touched.tables.add('sync_refusals');
    return { ackedSeq: acked, refusals, counts };
  });
}
