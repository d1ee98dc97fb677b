import type { Ctx } from '../core/context.js';
import { iso } from '../http/contract-common.js';
import { verifyAuditChain } from './verify.js';

const isoOrNull = (ms: unknown) => (typeof ms === 'number' && Number.isFinite(ms) ? iso(ms) : null);

/** The caller's org only (the org comes from the session, never from the request). */
export async function verifyOrgAudit(ctx: Ctx) {
  const started = performance.now();
  // Whatever this connection has written but not yet committed is part of the chain it reads;
  // wait for it to be durable so the reported head is one that will still be there after a crash.
  await ctx.host.commits.durable();
  const r = await verifyAuditChain(ctx.host.sqlite, ctx.orgId);
  ctx.host.log.info({ orgId: ctx.orgId, ok: r.ok, rows: r.rowsChecked, broken: r.brokenRows }, 'audit chain verified');
  return {
    ok: r.ok,
    rowsChecked: r.rowsChecked,
    brokenRows: r.brokenRows,
    head: r.head ? { seq: r.head.seq, hash: r.head.hash, at: iso(r.head.at) } : null,
    firstBroken: r.firstBroken ? { ...r.firstBroken, at: isoOrNull(r.firstBroken.at) } : null,
    checkedAt: iso(ctx.host.clock.now()),
    durationMs: Math.round(performance.now() - started),
  };
}
