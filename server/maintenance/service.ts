import { DateTime } from 'luxon';
import { assets, maintenanceOccurrences, maintenancePlans } from '../../db/schema/index.js';
import { findLive, tombstone } from '../core/tombstone.js';
import { ConflictError, NotFoundError } from '../errors.js';
import type { Ctx } from '../core/context.js';
import { mutate, type Writer } from '../core/mutate.js';
import { homeDepot } from '../depots/home.js';
import { zoneFor } from '../reports/zone.js';
import { createWorkOrder } from '../work-orders/service.js';
import { transitionWorkOrder } from '../work-orders/transitions.js';
import { planOccurrences, type Occurrence } from './occurrences.js';
import { occurrenceOf, occurrencesOfPlan, templateDuration, type PlanRow } from './repo.js';

/**
 * Generating a plan's work orders ahead of time. Idempotent by construction: an occurrence is
 * generated once, recorded in maintenance_occurrences under the unique (plan, occurrence key), and
 * the check and the insert run in the same transaction as the work order they name, so neither a
 * second run, a restart nor two runs racing can make it twice.
 */

const DAY = 86_400_000;
/** Calendar occurrences missed while the host was off for up to this long are still generated (overdue). */
const CATCH_UP_MS = 7 * DAY;
/** Work not yet started: a plan edit may take it back. */
const NOT_STARTED = new Set(['NEW', 'SCHEDULED']);

/** Whether this host generates `plan`: its depot's host does; a plan of no depot, any host of the org. */
export function ownsPlan(ctx: Ctx, plan: PlanRow): boolean {
  return plan.depotId === null || plan.depotId === homeDepot(ctx)?.id;
}

export function planZone(ctx: Ctx, plan: PlanRow): string {
  return zoneFor(ctx.host.sqlite, plan.orgId, plan.depotId ?? undefined);
}

/** What generation would make now: occurrences up to the horizon that have no work order yet. */
function dueNow(ctx: Ctx, plan: PlanRow, now: number): Occurrence[] {
  if (plan.paused || plan.deletedAt !== null || !ownsPlan(ctx, plan)) return [];
  const from = Math.max(plan.effectiveFrom, now - CATCH_UP_MS);
  const all = planOccurrences(ctx.host.db, plan, planZone(ctx, plan), from, now + plan.horizonDays * DAY, now);
  return all.filter((o) => {
    const state = occurrenceOf(ctx.host.db, plan.orgId, plan.id, o.key)?.state;
    return state !== 'generated' && state !== 'skipped';
  });
}

/** Generates what is due for `plan`; returns how many work orders it made. */
export function generatePlan(ctx: Ctx, plan: PlanRow): number {
  if (dueNow(ctx, plan, ctx.host.clock.now()).length === 0) return 0;
  return mutate(ctx, 'maintenance_plan.generated', (w) => generateWith(w, plan));
}

/** Inside a mutation (a plan's create or edit, or generatePlan): the checks repeat under the write lock. */
export function generateWith(w: Writer, plan: PlanRow): number {
  const { ctx } = w;
  const todo = dueNow(ctx, plan, w.now);
  if (todo.length === 0) return 0;
  const zone = planZone(ctx, plan);
  const durationMin = templateDuration(ctx.host.db, plan.orgId, plan.templateId) ?? 60;
  for (const o of todo) {
    const asset = o.assetId ? w.find(assets, o.assetId) : undefined;
    // Overdue work is planned from now, not in the past; its due date stays in the description.
    const start = Math.max(o.dueAt, w.now);
    const due = DateTime.fromMillis(o.dueAt, { zone }).toFormat('yyyy-MM-dd HH:mm');
    const wo = createWorkOrder(ctx, {
      title: `${plan.name}${asset ? ` — ${asset.tag}` : ''}`.slice(0, 200),
      description:
        `Preventive maintenance from plan "${plan.name}", due ${due} (${zone})` +
        (o.meterTarget !== null
          ? ` at ${plan.meterMetric} ${o.meterTarget}${o.projected ? ' (projected from the recent rate)' : ''}`
          : '') +
        '.',
      templateId: plan.templateId,
      ...(o.assetId ? { assetId: o.assetId } : {}),
      ...(o.locationId ? { locationId: o.locationId } : {}),
      plannedStart: new Date(start).toISOString(),
      plannedEnd: new Date(start + durationMin * 60_000).toISOString(),
    });
    const existing = occurrenceOf(ctx.host.db, plan.orgId, plan.id, o.key);
    if (existing) {
      // A superseded occurrence that the rule brings back after an edit: the same name, new work.
      w.update(
        maintenanceOccurrences,
        existing.id,
        { state: 'generated', workOrderId: wo.id, dueAt: o.dueAt, assetId: o.assetId },
        { before: existing },
      );
    } else {
      w.insert(maintenanceOccurrences, {
        planId: plan.id,
        occurrenceKey: o.key,
        assetId: o.assetId,
        dueAt: o.dueAt,
        workOrderId: wo.id,
        state: 'generated',
      });
    }
    w.event(wo.id, 'maintenance_generated', { data: { planId: plan.id, occurrenceKey: o.key, dueAt: new Date(o.dueAt).toISOString() } });
  }
  return todo.length;
}

/** Fields whose change moves or reshapes occurrences (a new name, horizon or pause does not). */
export const SCHEDULE_FIELDS = [
  'templateId',
  'depotId',
  'assetId',
  'assetCategory',
  'locationId',
  'kind',
  'rrule',
  'dtstart',
  'meterDeviceId',
  'meterMetric',
  'meterMode',
  'meterInterval',
  'meterBaseline',
  'meterThreshold',
] as const;

/**
 * After an edit, in its transaction: future occurrences whose work has not started and that the plan
 * no longer makes (or makes from another template) are superseded and their work orders cancelled;
 * started, past and still-valid ones stay. Then what is due under the new plan is generated.
 */
export function regenerate(w: Writer, after: PlanRow, before?: PlanRow): void {
  const changed = before ? SCHEDULE_FIELDS.filter((k) => before[k] !== after[k]) : [];
  if (before && changed.length > 0) {
    const { ctx } = w;
    const future = occurrencesOfPlan(ctx.host.db, after.orgId, after.id).filter(
      (o) => o.occurrence.state === 'generated' && o.occurrence.dueAt > w.now && o.status !== null && NOT_STARTED.has(o.status),
    );
    if (future.length > 0) {
      const until = Math.max(...future.map((o) => o.occurrence.dueAt)) + 1;
      const keep = changed.includes('templateId')
        ? new Set<string>()
        : new Set(planOccurrences(ctx.host.db, after, planZone(ctx, after), w.now, until, w.now).map((o) => o.key));
      for (const { occurrence } of future) {
        if (keep.has(occurrence.occurrenceKey)) continue;
        transitionWorkOrder(ctx, occurrence.workOrderId!, {
          to: 'CANCELLED',
          note: `Maintenance plan "${after.name}" was changed (${changed.join(', ')}); this occurrence was regenerated.`,
        });
        w.update(maintenanceOccurrences, occurrence.id, { state: 'superseded' }, { before: occurrence });
      }
    }
  }
  generateWith(w, after);
}

/**
 * Deletes a plan (a tombstone): it generates nothing more. Its occurrences keep naming it, like a
 * report schedule's past runs, so they never block the delete; work already generated stays.
 */
export function deletePlan(ctx: Ctx, id: string): void {
  mutate(
    ctx,
    'maintenance plan.deleted',
    (w) => void tombstone(w, maintenancePlans, id, { entity: 'maintenance plan', checkInUse: false }),
  );
}

/**
 * Leaves one occurrence out (a site closed that week, the asset is being replaced): it is recorded as
 * skipped, so the generator never makes it, and the work order it already had is cancelled unless its
 * work has started (409). Skipping a skipped occurrence is a no-op; a key the plan does not make is 404.
 */
export function skipOccurrence(ctx: Ctx, planId: string, key: string): void {
  mutate(ctx, 'maintenance plan.occurrence_skipped', (w) => {
    const plan = findLive(w, maintenancePlans, planId);
    if (!plan) throw new NotFoundError('maintenance plan', planId);
    const recorded = occurrencesOfPlan(ctx.host.db, plan.orgId, plan.id).find((o) => o.occurrence.occurrenceKey === key);
    if (recorded?.occurrence.state === 'skipped') return;
    if (recorded?.occurrence.state === 'generated' && recorded.occurrence.workOrderId) {
      if (recorded.status !== null && !NOT_STARTED.has(recorded.status) && recorded.status !== 'CANCELLED') {
        throw new ConflictError('already_started', `The work for this occurrence is ${recorded.status}; it can no longer be skipped.`);
      }
      if (recorded.status !== 'CANCELLED') {
        transitionWorkOrder(ctx, recorded.occurrence.workOrderId, {
          to: 'CANCELLED',
          note: `Occurrence of maintenance plan "${plan.name}" skipped.`,
        });
      }
      w.update(maintenanceOccurrences, recorded.occurrence.id, { state: 'skipped' }, { before: recorded.occurrence });
      return;
    }
    const found = planOccurrences(ctx.host.db, plan, planZone(ctx, plan), w.now - CATCH_UP_MS, w.now + 400 * DAY, w.now).find(
      (o) => o.key === key,
    );
    if (!found) throw new NotFoundError('maintenance occurrence', key);
    if (recorded)
      w.update(maintenanceOccurrences, recorded.occurrence.id, { state: 'skipped', dueAt: found.dueAt }, { before: recorded.occurrence });
    else
      w.insert(maintenanceOccurrences, {
        planId,
        occurrenceKey: key,
        assetId: found.assetId,
        dueAt: found.dueAt,
        workOrderId: null,
        state: 'skipped',
      });
  });
}
