import type { Host } from '../core/context.js';
import { newId } from '../core/ids.js';
import type { JobView } from './jobs/manager.js';
import type { Services } from '../services.js';
import { withoutCensus } from '../testing/write-census.js';

/**
 * Test-only helpers for report tests. Not imported by production code.
 */

/**
 * Inserts `n` plain work orders (and one 'created' event each) in one transaction, straight into
 * SQLite: 100k rows through mutate() would take minutes, and these tests measure exports, not
 * writes. Audit and change log are deliberately left out, so the write census is paused for the load.
 */
export function bulkWorkOrders(
  host: Host,
  orgId: string,
  n: number,
  opts: { start: number; teamId?: string | null; assigneeId?: string | null; prefix?: string },
): void {
  const wo = host.sqlite.prepare(
    `INSERT INTO work_orders (id, org_id, number, seq, title, description, type, priority, status, team_id, assignee_id, required_skills, checklist,
       requires_signature, planned_start, planned_end, duration_min, response_due_at, resolution_due_at, responded_at, completed_at, sla_paused_ms,
       created_at, updated_at, version)
     VALUES (?, ?, ?, ?, ?, ?, 'corrective', 'high', ?, ?, ?, '[]', '[]', 0, ?, ?, 60, ?, ?, ?, ?, 0, ?, ?, 1)`,
  );
  const ev = host.sqlite.prepare(
    "INSERT INTO work_order_events (id, org_id, work_order_id, type, at, data) VALUES (?, ?, ?, 'created', ?, NULL)",
  );
  const base = (host.sqlite.prepare('SELECT coalesce(max(seq), 0) FROM work_orders WHERE org_id = ?').pluck().get(orgId) as number) + 1;
  // The full-text index is not what these tests exercise and its trigger is most of the insert cost:
  // it is set aside during the load (those rows are simply not searchable) and put back after.
  const fts = host.sqlite.prepare("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = 'work_orders_fts_ai'").pluck().get() as
    string | undefined;
  const load = host.sqlite.transaction(() => {
    if (fts) host.sqlite.exec('DROP TRIGGER work_orders_fts_ai');
    for (let i = 0; i < n; i++) {
      const id = newId();
      const at = opts.start + i * 60_000;
      const done = i % 3 === 0;
      const seq = base + i;
      wo.run(
        id,
        orgId,
        `${opts.prefix ?? 'WO'}-${String(seq).padStart(6, '0')}`,
        seq,
        i % 50 === 0 ? `=HYPERLINK("x") job ${i}, "quoted"` : `Job ${i}`,
        i % 7 === 0 ? 'line one\nline two' : null,
        done ? 'COMPLETED' : 'DISPATCHED',
        opts.teamId ?? null,
        opts.assigneeId ?? null,
        at + 3_600_000,
        at + 7_200_000,
        at + 7_200_000,
        at + 86_400_000,
        done ? at + 5_000_000 : null,
        done ? at + 9_000_000 : null,
        at,
        at,
      );
      ev.run(newId(), orgId, id, at);
    }
    if (fts) host.sqlite.exec(fts);
  });
  withoutCensus(host.sqlite, 'bulkWorkOrders: a report fixture loaded straight into SQLite', load);
}

/** Resolves with the job's final view (done, failed or cancelled), listening on the host's bus. */
/** Resolves when the job reaches a final state (done, failed or cancelled). */
export function settled({ host, services }: { host: Host; services: Services }, orgId: string, id: string): Promise<JobView> {
  return new Promise((resolve) => {
    const final = (v: JobView) => v.state === 'done' || v.state === 'failed' || v.state === 'cancelled';
    const unsubscribe = host.bus.subscribe((m) => {
      const job = m.data as unknown as JobView;
      if (m.type === 'report_job' && job.id === id && final(job)) {
        unsubscribe();
        resolve(job);
      }
    });
    const now = services.reportJobs.get(orgId, id);
    if (final(now)) {
      unsubscribe();
      resolve(now);
    }
  });
}
