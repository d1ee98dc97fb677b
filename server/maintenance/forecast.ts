import type { Ctx } from '../core/context.js';
import type { ForecastDto, ForecastItemDto } from './contract.js';
import { planOccurrences } from './occurrences.js';
import { activePlans, recordedBetween, templateDuration, type OccurrenceRow, type PlanRow } from './repo.js';
import { planZone } from './service.js';

/** Forecast items per answer: a year of a daily rule on a category of assets is a mistake to show, not to page. */
const MAX_ITEMS = 2000;

/**
 * Every occurrence of the org's active plans due in [from, to): those already generated (with their
 * work order) and those still to come (meter ones at their projected date). Generated occurrences the
 * plan would no longer make (an edit, a meter that slowed) are listed too: their work exists.
 */
export function forecast(ctx: Ctx, from: number, to: number, planId?: string): ForecastDto {
  const now = ctx.host.clock.now();
  const plans = activePlans(ctx.host.db, ctx.orgId).filter((p) => planId === undefined || p.id === planId);
  const byPlan = new Map(plans.map((p) => [p.id, p]));
  const generated = new Map<string, OccurrenceRow>();
  const skipped = new Set<string>();
  for (const o of recordedBetween(ctx.host.db, ctx.orgId, from, to)) {
    if (o.state === 'skipped') skipped.add(`${o.planId}|${o.occurrenceKey}`);
    else generated.set(`${o.planId}|${o.occurrenceKey}`, o);
  }
  const durations = new Map<string, number>();
  const durationOf = (p: PlanRow) => {
    if (!durations.has(p.templateId)) durations.set(p.templateId, templateDuration(ctx.host.db, ctx.orgId, p.templateId) ?? 60);
    return durations.get(p.templateId)!;
  };
  const items: ForecastItemDto[] = [];
  const item = (
    p: PlanRow,
    o: { key: string; assetId: string | null; locationId: string | null; dueAt: number; meterTarget: number | null; projected: boolean },
    wo: string | null,
  ): ForecastItemDto => {
    const durationMin = durationOf(p);
    return {
      planId: p.id,
      planName: p.name,
      kind: p.kind,
      occurrenceKey: o.key,
      assetId: o.assetId,
      locationId: o.locationId,
      templateId: p.templateId,
      dueAt: new Date(o.dueAt).toISOString(),
      endAt: new Date(o.dueAt + durationMin * 60_000).toISOString(),
      durationMin,
      state: wo ? 'generated' : 'forecast',
      workOrderId: wo,
      meterTarget: o.meterTarget,
      projected: o.projected,
    };
  };
  for (const p of plans) {
    for (const o of planOccurrences(ctx.host.db, p, planZone(ctx, p), from, to, now)) {
      // An overdue meter point is listed where the window holds it, not before.
      if (o.dueAt < from || o.dueAt >= to || skipped.has(`${p.id}|${o.key}`)) continue;
      const done = generated.get(`${p.id}|${o.key}`);
      generated.delete(`${p.id}|${o.key}`);
      items.push(item(p, o, done?.workOrderId ?? null));
    }
  }
  for (const o of generated.values()) {
    const p = byPlan.get(o.planId);
    if (!p) continue;
    items.push(
      item(
        p,
        { key: o.occurrenceKey, assetId: o.assetId, locationId: null, dueAt: o.dueAt, meterTarget: null, projected: false },
        o.workOrderId,
      ),
    );
  }
  items.sort((a, b) => a.dueAt.localeCompare(b.dueAt) || a.planName.localeCompare(b.planName));
  return { items: items.slice(0, MAX_ITEMS), truncated: items.length > MAX_ITEMS };
}
