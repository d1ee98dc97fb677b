import { policyOf } from '../../db/schema/sync-policies.js';
import type { Host } from '../core/context.js';
import type { PullFact, PullPage, PullRow, PushAnswer, PushBatch } from '../sync/contract-protocol.js';
import { applyPushAnswer } from '../sync/push-answer.js';
import { readPushBatch } from '../sync/push-batch.js';

/** Everything a depot has not had acknowledged, batch by batch, each acknowledged as applied (a hub that takes it all). */
export function drainAsApplied(host: Host, orgId: string, maxMutations = 50): PushBatch[] {
  const out: PushBatch[] = [];
  for (let batch = readPushBatch(host, orgId, { maxMutations }); batch; batch = readPushBatch(host, orgId, { maxMutations })) {
    out.push(batch);
    const answer: PushAnswer = {
      ackedSeq: batch.toSeq,
      version: batch.toSeq,
      results: batch.mutations.map((m) => ({ id: m.id, seq: m.seq, outcome: 'applied' as const })),
    };
    applyPushAnswer(host, orgId, batch, answer);
  }
  return out;
}

/**
 * Test-only stand-in for the hub's pull (docs/sync.md "Pull"): folds push batches into the page a
 * hub would serve a new depot from version 0, one version per mutation. Entity rows become their
 * current state (fields merged, a status intent reduced to its `to` with the mutation's HLC in `c`,
 * a hard delete `gone`); append-only inserts and audit rows become facts; batch tables are not sent
 * down. It does no merging between depots: that is the hub's job, and other helpers' code.
 */
export function pageFromBatches(batches: readonly PushBatch[], opts: { after?: number; orgId: string }): PullPage {
  const after = opts.after ?? 0;
  let version = after;
  const rows = new Map<string, PullRow>();
  const facts: PullFact[] = [];
  for (const batch of batches) {
    for (const m of batch.mutations) {
      version += 1;
      for (const a of m.audit) {
        facts.push({
          t: 'audit_log',
          r: a.id,
          v: version,
          f: {
            org_id: opts.orgId,
            actor_id: a.actorId,
            action: a.action,
            entity: a.entity,
            entity_id: a.entityId,
            before: a.before,
            after: a.after,
            request_id: a.requestId,
            at: a.at,
          },
        });
      }
      for (const c of m.changes) {
        const policy = policyOf(c.t);
        const merge = policy.merge;
        if (merge === 'batch') continue;
        if (merge === 'append') {
          if (c.op === 'insert') facts.push({ t: c.t, r: c.r, v: version, f: { ...c.f } });
          continue;
        }
        const key = `${c.t}\n${c.r}`;
        const row = rows.get(key) ?? { t: c.t, r: c.r, v: version, f: {} };
        rows.delete(key); // re-inserted below, so the map's order is version order
        row.v = version;
        if (c.op === 'delete') row.gone = true;
        for (const [name, value] of Object.entries(c.f ?? {})) {
          const intent = [...policy.columns.values()].some((col) => col.name === name && col.kind === 'intent');
          // An update carries {from, to, v}; an insert the plain first value.
          row.f[name] = intent && c.op === 'update' ? (value as { to: unknown }).to : value;
          if (intent) row.c = { ...row.c, [name]: m.hlc };
        }
        rows.set(key, row);
      }
    }
  }
  return { after, to: version, more: false, rows: [...rows.values()], facts };
}
