import { and, eq, isNull } from 'drizzle-orm';
import { reportSchedules } from '../../../db/schema/index.js';
import type { Ctx, Host } from '../../core/context.js';
import { mutate } from '../../core/mutate.js';
import { EXTENSION } from '../jobs/build.js';
import { zoneFor } from '../zone.js';
import type { JobView, ReportJobs } from '../jobs/manager.js';
import type { KpiFilters } from '../kpi-types.js';
import { day } from '../pdf/format.js';
import { duePeriods } from './periods.js';

/**
 * Runs scheduled reports. On start it catches up the periods that ended while the host was off
 * (see periods.ts for the rule), then checks once a minute. A period's runs and their durable build
 * jobs are written in the same transaction that marks the period done, so a crash can neither lose a
 * period nor run it twice; a failed build shows in the run history instead of being retried forever.
 * File names are predictable: `<kind>-<yyyy-mm-dd of the period start>-<slug>.<ext>`.
 */

const CHECK_EVERY_MS = 60_000;

export function scheduledFileName(kind: keyof typeof EXTENSION, periodFrom: number, zone: string, slug: string): string {
  return `${kind}-${day(periodFrom, zone)}-${slug}.${EXTENSION[kind]}`;
}

export class ReportScheduler {
  private timer: NodeJS.Timeout | null = null;

  /**
   * Scheduled runs share the host's job pool with the API's, so both count against its concurrency.
   * Asked for only when a run is due: the pool is made on first use (server/services.ts).
   */
  constructor(
    private readonly host: Host,
    private readonly jobs: () => ReportJobs,
  ) {}

  start(): this {
    this.tick();
    this.timer = setInterval(() => {
      try {
        this.tick();
      } catch (err) {
        this.host.log.error({ err }, 'report scheduler check failed');
      }
    }, CHECK_EVERY_MS);
    this.timer.unref();
    return this;
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** Queues every due run now; returns their completions (tests await them). */
  tick(): Promise<JobView>[] {
    const now = this.host.clock.now();
    const started: Promise<JobView>[] = [];
    // A deleted schedule (tombstone) no longer runs.
    const schedules = this.host.db
      .select()
      .from(reportSchedules)
      .where(and(eq(reportSchedules.enabled, true), isNull(reportSchedules.deletedAt)))
      .all();
    for (const s of schedules) {
      const filters = s.filters as KpiFilters;
      const zone = zoneFor(this.host.sqlite, s.orgId, filters.depotId);
      const periods = duePeriods(s.cadence, s.lastPeriodEnd ?? s.createdAt, now, zone);
      if (periods.length === 0) continue;
      const ctx: Ctx = { host: this.host, orgId: s.orgId, actor: { userId: null, role: 'system', name: 'report scheduler' } };
      // Made outside the transaction: the pool's first use writes (it closes runs left unfinished).
      const jobs = this.jobs();
      const ids = mutate(ctx, 'report_schedule.ran', (w) => {
        const queued = periods.map((p) =>
          jobs.queue(
            w,
            { kind: s.kind, from: p.from, to: p.to, filters },
            { fileName: scheduledFileName(s.kind, p.from, zone, s.slug), scheduleId: s.id },
          ),
        );
        // Job state of this host's worker (policy 'local'): no version bump, audit entry or change row,
        // so a run never makes an admin's open edit of the schedule conflict.
        w.setLocal(reportSchedules, s.id, { lastPeriodEnd: periods.at(-1)!.to });
        return queued;
      });
      for (const id of ids) started.push(jobs.settled(s.orgId, id));
    }
    return started;
  }
}
