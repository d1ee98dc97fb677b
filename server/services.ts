import type { Host } from './core/context.js';
import type { BackupService } from './backups/service.js';
import type { LanInfo } from './lan/info.js';
import { ClaimLimiter } from './pairing/rate-limit.js';
import { registerBusinessMetrics } from './monitoring/business-metrics.js';
import { ReportJobs } from './reports/jobs/manager.js';
import { JobRunner } from './jobs/runner.js';
import { JOB_KINDS } from './jobs/kinds.js';
import { KpiPool } from './reports/kpi/pool.js';
import type { ReportScheduler } from './reports/schedules/scheduler.js';
import type { TelemetryService } from './telemetry/runtime.js';
import type { SyncRuntime } from './sync/runtime.js';
import { OptimiseJobs } from './optimise/jobs.js';
import type { MaintenanceGenerator } from './maintenance/generator.js';

/**
 * The host's long-lived runtime parts, built once where the host starts (server/start.ts, or
 * server/testing/harness.ts) and handed to every route as `services` (server/http/route.ts), so what
 * a route depends on is visible in its code instead of being looked up in a per-host registry.
 *
 * Not here on purpose: the session cache (server/auth/service.ts) and the first-run setup code
 * (server/auth/setup-code.ts). Both are private memos of database state, owned by the one module that
 * reads them, with nothing to start or stop; no route reaches them except through that module.
 */
export interface Services {
  /** The sensor pipeline; null until startHost starts it (or while stopped; tests start their own). */
  telemetry: TelemetryService | null;
  /**
   * The durable job runner (server/jobs/): built here, started by startHost and the test harness;
   * report builds and scheduled reports run through it.
   */
  readonly jobs: JobRunner;
  /** Background PDF/Excel report jobs (made on first use, see createServices). */
  readonly reportJobs: ReportJobs;
  /** The KPI worker thread (made on first use). */
  readonly kpi: KpiPool;
  /** Scheduled reports; null when nothing started them (tests, tools). */
  scheduler: ReportScheduler | null;
  /** Backups; startHost starts them with their schedule, a bare app gets one on first use (server/backups/routes.ts). */
  backups: BackupService | null;
  /** Where crews reach this depot; the crew listener opens after the app is built, so start.ts fills it in then. */
  lan: LanInfo;
  /** Guessing limits on pairing codes, per address and per code. */
  readonly pairingLimiter: ClaimLimiter;
  /** Preventive maintenance plans' work-order generator; null when nothing started it (tests, tools). */
  maintenance: MaintenanceGenerator | null;
  /** Sync with the organization's hub; startHost starts it, a bare app gets an unstarted one on first use (server/sync/routes.ts). */
  sync: SyncRuntime | null;
  /** Plan optimiser runs, each on its own worker thread (made on first use). */
  readonly optimiser: OptimiseJobs;
}

/**
 * Report jobs and the KPI pool are made on first use, as before: ReportJobs' constructor marks runs a
 * previous process left unfinished as failed, and a KPI worker costs a thread that many hosts never use.
 */
export function createServices(host: Host): Services & { close(): Promise<void> } {
  let jobs: ReportJobs | null = null;
  let kpi: KpiPool | null = null;
  let runner: JobRunner | null = null;
  let optimiser: OptimiseJobs | null = null;
  const services: Services & { close(): Promise<void> } = {
    telemetry: null,
    get reportJobs() {
      return (jobs ??= new ReportJobs(host));
    },
    get kpi() {
      return (kpi ??= new KpiPool(host));
    },
    get optimiser() {
      return (optimiser ??= new OptimiseJobs());
    },
    scheduler: null,
    backups: null,
    lan: { crewUrl: null, origins: [], fingerprint: null, problem: 'crew LAN port not started' },
    pairingLimiter: new ClaimLimiter(host.clock),
    sync: null,
    maintenance: null,
    // A getter, so the runner is handed the finished services object.
    get jobs() {
      return (runner ??= new JobRunner(host, services, JOB_KINDS));
    },
    /** Stops the report scheduler, maintenance generator and job runner, then the report pool and the KPI worker if they were started. */
    async close() {
      this.scheduler?.stop();
      this.maintenance?.stop();
      // The runner stops claiming at once and waits for its running jobs, which the pool's close() ends.
      const stopping = runner?.stop();
      await Promise.all([jobs?.close(), kpi?.close(), optimiser?.close(), this.sync?.stop(), stopping]);
    },
  };
  registerBusinessMetrics(host, services);
  return services;
}
