import type { Host } from '../core/context.js';
import { systemCtx } from '../core/context.js';
import type { ReadingsListener } from '../telemetry/runtime.js';
import { activePlans, countMeterPlans, meterPlansOf, planById, type PlanRow } from './repo.js';
import { generatePlan } from './service.js';

/**
 * Runs the maintenance plans on the host: once at start (catching up what came due while it was
 * off), every quarter of an hour, and for meter plans when their device's readings are stored
 * (at most once a minute per plan: a meter moves slowly, readings arrive every second).
 * Each plan is generated in its own transaction; one plan's failure is logged and retried on the
 * next run without holding up the others.
 */

const EVERY_MS = 15 * 60_000;
const METER_MIN_GAP_MS = 60_000;
const ACTOR = 'maintenance planner';

export class MaintenanceGenerator implements ReadingsListener {
  private timer: NodeJS.Timeout | null = null;
  private readonly meterRunAt = new Map<string, number>();
  /** Whether any active meter plan exists: telemetry builds its per-reading list only while one does. */
  private meters = false;
  private unsubscribe: (() => void) | null = null;

  constructor(private readonly host: Host) {
    this.meters = countMeterPlans(host.sqlite) > 0;
    this.unsubscribe = host.bus.subscribe((m) => {
      if (m.data.tables.includes('maintenance_plans')) this.meters = countMeterPlans(host.sqlite) > 0;
    });
  }

  start(): this {
    this.safeTick();
    this.timer = setInterval(() => this.safeTick(), EVERY_MS);
    this.timer.unref();
    return this;
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.unsubscribe?.();
    this.unsubscribe = null;
  }

  watching(): boolean {
    return this.meters;
  }

  stored(deviceIds: Set<string>): void {
    this.readingsStored(deviceIds);
  }

  /** Generates what every active plan has due; returns the number of work orders made. */
  tick(): number {
    let made = 0;
    for (const plan of activePlans(this.host.db)) made += this.run(plan);
    return made;
  }

  /**
   * Called with the devices whose readings were just stored: their meter plans are generated again,
   * since a projection may have moved inside the horizon. Returns the number of work orders made.
   */
  readingsStored(deviceIds: Iterable<string>): number {
    const now = this.host.clock.now();
    let made = 0;
    for (const id of meterPlansOf(this.host.sqlite, [...new Set(deviceIds)])) {
      if (now - (this.meterRunAt.get(id) ?? -Infinity) < METER_MIN_GAP_MS) continue;
      this.meterRunAt.set(id, now);
      const plan = planById(this.host.db, id);
      if (plan) made += this.run(plan);
    }
    return made;
  }

  private run(plan: PlanRow): number {
    try {
      return generatePlan(systemCtx(this.host, plan.orgId, ACTOR), plan);
    } catch (err) {
      this.host.log.warn({ err, planId: plan.id }, 'maintenance plan could not generate its work; retrying on the next run');
      return 0;
    }
  }

  private safeTick(): void {
    try {
      this.tick();
    } catch (err) {
      this.host.log.error({ err }, 'maintenance generator run failed');
    }
  }
}
