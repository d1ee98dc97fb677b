import type { Ctx, Host } from '../core/context.js';
import type { ManualClock } from '../core/clock.js';
import { AppError } from '../errors.js';
import { assignWorkOrder, createWorkOrder } from '../work-orders/service.js';
import { decideClosure, transitionWorkOrder } from '../work-orders/transitions.js';
import { answerChecklistItem, recordMaterialUsage } from '../work-orders/field.js';
import { storeSignaturePng } from '../attachments/signature-sync.js';
import type { Catalog } from './catalog.js';
import { DEMO_SIGNATURE_PNG } from './signature-image.js';
import type { SeedUser } from './catalog-people.js';
import type { Step, WoPlan } from './plan.js';

export interface DriveResult {
  steps: number;
  failed: number;
  /** Material bookings refused for lack of stock: the story goes on, as it would on site. */
  skipped: number;
  /** "action: code" → how often, for the failures. */
  errors: Map<string, number>;
}

/**
 * Steps per commit. The host's group commit keeps one transaction open until the event loop turns,
 * and this loop never yields, so it commits explicitly every so often to keep the WAL small.
 */
const BATCH = 2_000;

function contexts(host: Host, catalog: Catalog): Map<string, Ctx> {
  const out = new Map<string, Ctx>();
  const add = (u: SeedUser, teamIds: string[] = []) =>
    out.set(u.id, { host, orgId: catalog.orgId, actor: { userId: u.id, role: u.role, name: u.name, teamIds } as Ctx['actor'] });
  for (const u of [catalog.admin, ...catalog.dispatchers, ...catalog.supervisors, catalog.viewer]) add(u);
  for (const team of Object.values(catalog.teams)) for (const tech of team.technicians) add(tech, [team.id]);
  return out;
}

function run(ctx: Ctx, plan: WoPlan, step: Step): void {
  const a = step.action;
  if (a.kind === 'create') {
    plan.woId = createWorkOrder(ctx, a.input).id;
    return;
  }
  const id = plan.woId;
  if (!id) throw new Error('step before the work order was created');
  switch (a.kind) {
    case 'assign':
      assignWorkOrder(ctx, id, a.input);
      return;
    case 'transition':
      transitionWorkOrder(ctx, id, { to: a.to, ...(a.reason ? { reason: a.reason } : {}), ...(a.note ? { note: a.note } : {}) });
      return;
    case 'answer':
      answerChecklistItem(ctx, id, a.itemId, { value: a.value });
      return;
    case 'closure':
      decideClosure(ctx, id, { decision: a.decision, ...(a.comment ? { comment: a.comment } : {}) });
      return;
    case 'material':
      recordMaterialUsage(ctx, id, { itemId: a.itemId, depotId: a.depotId, quantity: a.quantity });
      return;
    case 'sign':
      storeSignaturePng(ctx, id, a.signerName, DEMO_SIGNATURE_PNG);
      return;
  }
}

/**
 * Plays every story through the real work-order service in time order, moving the clock to each
 * step, so events, audit rows, SLA instants and the change log read as if it all happened live.
 */
export function drive(
  host: Host,
  clock: ManualClock,
  catalog: Catalog,
  plans: WoPlan[],
  onProgress?: (done: number, total: number) => void,
): DriveResult {
  const ctxs = contexts(host, catalog);
  const steps: Step[] = [];
  for (const plan of plans) for (const step of plan.steps) steps.push(step);
  // Array.prototype.sort is stable, so same-instant steps keep their story order.
  steps.sort((a, b) => a.at - b.at);
  const result: DriveResult = { steps: steps.length, failed: 0, skipped: 0, errors: new Map() };
  const batch = (from: number, to: number) => {
    for (let i = from; i < to; i++) {
      const step = steps[i] as Step;
      if (step.plan.broken) continue;
      const ctx = ctxs.get(step.actorId);
      if (!ctx) throw new Error(`no actor ${step.actorId}`);
      clock.set(step.at);
      try {
        run(ctx, step.plan, step);
      } catch (err) {
        const code = err instanceof AppError ? err.code : (err as Error).message;
        if (step.action.kind === 'material' && code === 'insufficient_stock') {
          result.skipped++;
          continue;
        }
        step.plan.broken = true;
        result.failed++;
        const key = `${step.action.kind}${step.action.kind === 'transition' ? ` → ${step.action.to}` : ''}: ${code}`;
        result.errors.set(key, (result.errors.get(key) ?? 0) + 1);
      }
    }
    host.commits.flush();
  };
  for (let i = 0; i < steps.length; i += BATCH) {
    batch(i, Math.min(steps.length, i + BATCH));
    onProgress?.(Math.min(steps.length, i + BATCH), steps.length);
  }
  return result;
}
