import fs from 'node:fs';
import path from 'node:path';
import { createHost, DB_FILE } from '../host.js';
import { ManualClock } from '../core/clock.js';
import { setupNeeded } from '../auth/service.js';
import type { Role } from '../../db/schema/index.js';
import { seedCatalog } from './catalog.js';
import { drive } from './drive.js';
import { Planner } from './plan.js';
import { Prng } from './prng.js';
import { seedMaintenancePlans } from './maintenance-plans.js';
import { REGION } from './region.js';
import { DAY, LocalTime } from './time.js';

export type SeedSize = 'small' | 'large';

export interface SeedOptions {
  dataDir: string;
  size: SeedSize;
  /** Overrides the size's work-order count (tests use a few hundred). */
  workOrders?: number | undefined;
  seed: number;
  force: boolean;
  /** The demo's "now"; defaults to the real time, so the depot looks current when opened. */
  now?: number | undefined;
  log?: (line: string) => void;
  /** Called a few times a second while the work orders are driven: service calls done of all. */
  progress?: (done: number, total: number) => void;
}

export interface SeedSummary {
  orgId: string;
  logins: { role: Role; email: string; password: string }[];
  counts: Record<string, number>;
  statuses: Record<string, number>;
  steps: number;
  failed: number;
  /** Material bookings refused for lack of stock (the job goes on without them). */
  skipped: number;
  errors: [string, number][];
  integrity: string;
  seconds: { catalog: number; drive: number; total: number };
}

export class SeedRefusedError extends Error {}

const SIZES: Record<SeedSize, { workOrders: number; backDays: number; aheadDays: number }> = {
  small: { workOrders: 2_000, backDays: 42, aheadDays: 21 },
  large: { workOrders: 100_000, backDays: 365, aheadDays: 21 },
};

const COUNTED = [
  'users',
  'teams',
  'team_members',
  'skills',
  'user_skills',
  'locations',
  'assets',
  'vehicles',
  'stock_items',
  'stock_levels',
  'stock_movements',
  'sla_calendars',
  'sla_policies',
  'task_templates',
  'projects',
  'project_phases',
  'milestones',
  'work_orders',
  'work_order_events',
  'checklist_results',
  'closure_approvals',
  'material_usages',
  'audit_log',
  'mutations',
  'changes',
];

function removeDatabase(dataDir: string): void {
  for (const suffix of ['', '-wal', '-shm']) fs.rmSync(path.join(dataDir, DB_FILE + suffix), { force: true });
}

/** Builds the demo depot in `dataDir`. Refuses a database that already has an organization unless `force`. */
export async function seedDemo(opts: SeedOptions): Promise<SeedSummary> {
  const started = performance.now();
  const log = opts.log ?? (() => {});
  const size = SIZES[opts.size];
  const count = opts.workOrders ?? size.workOrders;
  const now = opts.now ?? Math.floor(Date.now() / 60_000) * 60_000;
  fs.mkdirSync(opts.dataDir, { recursive: true });

  if (fs.existsSync(path.join(opts.dataDir, DB_FILE))) {
    const existing = createHost({ dataDir: opts.dataDir });
    const empty = setupNeeded(existing);
    existing.close();
    if (!empty && !opts.force) {
      throw new SeedRefusedError(
        `${path.join(opts.dataDir, DB_FILE)} already holds a depot. Pass --force to replace it with the demo (its data will be deleted).`,
      );
    }
    // History tables are append-only by trigger, so replacing means a fresh file, not DELETEs.
    // An empty database is seeded in place: a running host (first-run "load the demo") keeps its
    // connection open, and a replaced file would be invisible to it.
    if (!empty) {
      log(`Replacing the existing database in ${opts.dataDir} (--force).`);
      removeDatabase(opts.dataDir);
    }
  }

  const clock = new ManualClock(now - (size.backDays + 14) * DAY);
  const host = createHost({ dataDir: opts.dataDir, clock });
  try {
    // A fresh demo database: if the machine dies mid-seed the file may be corrupt, and the remedy is
    // simply to seed again. Durability is switched back to the host's mode before anyone uses it.
    host.sqlite.pragma('synchronous = OFF');
    host.sqlite.pragma('cache_size = -262144');
    const prng = new Prng(opts.seed);
    const catalog = await seedCatalog(host, prng, now);
    const catalogDone = performance.now();
    log(
      `Catalog: ${catalog.locations.length} locations, ${catalog.templates.length} task templates (${((catalogDone - started) / 1000).toFixed(1)} s).`,
    );

    const planner = new Planner(prng, catalog, new LocalTime(REGION.timeZone), now - 14 * DAY);
    const plans = planner.plan({ count, now, backDays: size.backDays, aheadDays: size.aheadDays });
    let lastShown = 0;
    let lastProgress = 0;
    const result = drive(host, clock, catalog, plans, (done, total) => {
      const now = performance.now();
      if (opts.progress && (now - lastProgress > 250 || done === total)) {
        lastProgress = now;
        opts.progress(done, total);
      }
      if (total < 50_000 || now - lastShown < 15_000) return;
      lastShown = now;
      const rate = done / ((now - catalogDone) / 1000);
      log(
        `  ${Math.floor((done / total) * 100)} % of ${total} service calls, ${Math.round(rate)}/s, about ${Math.ceil((total - done) / rate / 60)} min to go`,
      );
    });
    const driveDone = performance.now();
    clock.set(now);
    host.commits.flush();
    seedMaintenancePlans(host, catalog, now);
    host.commits.flush();

    // The host's own mode: COMMIT writes the WAL and the group commit fsyncs it (server/host.ts).
    host.sqlite.pragma('synchronous = NORMAL');
    host.sqlite.pragma('wal_checkpoint(TRUNCATE)');
    // Fresh statistics let the planner pick the right index for the list filters on a big table.
    host.sqlite.exec('ANALYZE');
    const integrity = String(host.sqlite.pragma('integrity_check', { simple: true }));

    const counts: Record<string, number> = {};
    for (const table of COUNTED) counts[table] = host.sqlite.prepare(`SELECT count(*) FROM ${table}`).pluck().get() as number;
    const statuses = Object.fromEntries(
      (
        host.sqlite.prepare('SELECT status, count(*) AS n FROM work_orders WHERE org_id = ? GROUP BY status').all(catalog.orgId) as {
          status: string;
          n: number;
        }[]
      ).map((r) => [r.status, r.n]),
    );
    return {
      orgId: catalog.orgId,
      logins: catalog.logins,
      counts,
      statuses,
      steps: result.steps,
      failed: result.failed,
      skipped: result.skipped,
      errors: [...result.errors.entries()].sort((a, b) => b[1] - a[1]),
      integrity,
      seconds: {
        catalog: (catalogDone - started) / 1000,
        drive: (driveDone - catalogDone) / 1000,
        total: (performance.now() - started) / 1000,
      },
    };
  } finally {
    host.close();
  }
}
