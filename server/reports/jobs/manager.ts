import fs from 'node:fs';
import path from 'node:path';
import type { Worker } from 'node:worker_threads';
import { and, eq } from 'drizzle-orm';
import { reportRuns, type ReportRunState } from '../../../db/schema/index.js';
import type { Ctx, Host } from '../../core/context.js';
import { mutate } from '../../core/mutate.js';
import { NotFoundError } from '../../errors.js';
import { iso } from '../../http/contract-common.js';
import { DB_FILE } from '../../host.js';
import type { BuildSpec } from './build.js';
import type { WorkerMessage } from './protocol.js';
import { spawnReportWorker } from './spawn.js';

/**
 * Report jobs: a small pool of worker threads fed from a FIFO queue. State changes go to
 * report_runs through the write path; progress stays in memory and goes out on /ws as
 * `report_job` messages. A host restart marks unfinished runs failed (their worker is gone).
 */

export type JobRequest = Omit<BuildSpec, 'orgId' | 'now'>;

export interface JobView {
  id: string;
  kind: BuildSpec['kind'];
  state: ReportRunState;
  progress: number;
  message: string | null;
  fileName: string | null;
  sizeBytes: number | null;
  scheduleId: string | null;
  createdAt: string;
  finishedAt: string | null;
}

interface Active {
  id: string;
  orgId: string;
  spec: BuildSpec;
  fileName: string;
  scheduleId: string | null;
  state: 'queued' | 'running';
  progress: number;
  message: string;
  createdAt: number;
  startedAt: number | null;
  worker: Worker | null;
  settle: (v: JobView) => void;
  done: Promise<JobView>;
}

export const reportsDir = (dataDir: string) => path.join(dataDir, 'reports');
const tmpPath = (dataDir: string, fileName: string) => path.join(reportsDir(dataDir), '.tmp', `${fileName}.part`);

export class ReportJobs {
  private readonly active = new Map<string, Active>();
  private readonly queue: Active[] = [];
  private running = 0;
  private closed = false;
  /** Last time each job's progress went out on /ws. */
  private readonly lastPublished = new Map<string, number>();

  constructor(
    private readonly host: Host,
    private readonly concurrency = 2,
  ) {
    // Runs a previous process left unfinished have no worker any more.
    const stale = host.sqlite.prepare("SELECT id, org_id FROM report_runs WHERE state IN ('queued', 'running')").raw().all() as [
      string,
      string,
    ][];
    for (const [id, orgId] of stale)
      this.persist(orgId, id, {
        state: 'failed',
        message: 'The host stopped before this report was finished; start it again.',
        finishedAt: host.clock.now(),
      });
  }

  /** Queues a build; resolves `done` with the final view (also for failures and cancellations). */
  enqueue(ctx: Ctx, req: JobRequest, opts: { fileName: string; scheduleId?: string | null }): { id: string; done: Promise<JobView> } {
    const spec: BuildSpec = { ...req, orgId: ctx.orgId, now: this.host.clock.now() };
    const row = mutate(ctx, 'report.queued', (w) =>
      w.insert(reportRuns, {
        scheduleId: opts.scheduleId ?? null,
        kind: spec.kind,
        state: 'queued',
        params: spec,
        message: null,
        fileName: null,
        sizeBytes: null,
        requestedBy: ctx.actor.userId,
        startedAt: null,
        finishedAt: null,
      }),
    );
    let settle!: (v: JobView) => void;
    const done = new Promise<JobView>((resolve) => (settle = resolve));
    const job: Active = {
      id: row.id,
      orgId: ctx.orgId,
      spec,
      fileName: opts.fileName,
      scheduleId: opts.scheduleId ?? null,
      state: 'queued',
      progress: 0,
      message: 'waiting for a free worker',
      createdAt: row.createdAt,
      startedAt: null,
      worker: null,
      settle,
      done,
    };
    this.active.set(job.id, job);
    this.queue.push(job);
    this.publish(job, true);
    this.pump();
    return { id: job.id, done };
  }

  get(orgId: string, id: string): JobView {
    const job = this.active.get(id);
    if (job && job.orgId === orgId) return this.viewOf(job);
    const row = this.host.db
      .select()
      .from(reportRuns)
      .where(and(eq(reportRuns.id, id), eq(reportRuns.orgId, orgId)))
      .get();
    if (!row) throw new NotFoundError('report job', id);
    return {
      id: row.id,
      kind: row.kind,
      state: row.state,
      progress: row.state === 'done' ? 1 : 0,
      message: row.message,
      fileName: row.fileName,
      sizeBytes: row.sizeBytes,
      scheduleId: row.scheduleId,
      createdAt: iso(row.createdAt),
      finishedAt: iso(row.finishedAt),
    };
  }

  /** Cancels a queued or running job; a finished one stays as it is. */
  async cancel(orgId: string, id: string): Promise<JobView> {
    const job = this.active.get(id);
    if (!job || job.orgId !== orgId) return this.get(orgId, id);
    const i = this.queue.indexOf(job);
    if (i >= 0) this.queue.splice(i, 1);
    const worker = job.worker;
    job.worker = null;
    if (worker) await worker.terminate();
    this.finish(job, { state: 'cancelled', message: 'Cancelled.' });
    return this.get(orgId, id);
  }

  /** The finished file of a done job, or 404. */
  filePath(orgId: string, id: string): { file: string; fileName: string } {
    const view = this.get(orgId, id);
    const file = view.fileName ? path.join(reportsDir(this.host.dataDir), view.fileName) : null;
    if (view.state !== 'done' || !file || !fs.existsSync(file)) throw new NotFoundError('report file', id);
    return { file, fileName: view.fileName! };
  }

  async close(): Promise<void> {
    this.closed = true;
    this.queue.length = 0;
    await Promise.all([...this.active.values()].map((j) => this.cancel(j.orgId, j.id)));
  }

  private pump(): void {
    while (!this.closed && this.running < this.concurrency && this.queue.length > 0) {
      const job = this.queue.shift()!;
      this.start(job);
    }
  }

  private start(job: Active): void {
    this.running += 1;
    job.state = 'running';
    job.startedAt = this.host.clock.now();
    job.message = 'starting';
    const tmp = tmpPath(this.host.dataDir, job.fileName);
    fs.mkdirSync(path.dirname(tmp), { recursive: true });
    const worker = spawnReportWorker({
      dbFile: path.join(this.host.dataDir, DB_FILE),
      dataDir: this.host.dataDir,
      spec: job.spec,
      tmpFile: tmp,
    });
    job.worker = worker;
    // A stopping host must not wait for a report; close() cancels what is running.
    worker.unref();
    this.publish(job, true);
    worker.on('message', (m: WorkerMessage) => {
      if (job.worker !== worker) return;
      if (m.type === 'progress') {
        job.progress = m.progress;
        job.message = m.message;
        this.publish(job, false);
      } else if (m.type === 'done') {
        fs.renameSync(tmp, path.join(reportsDir(this.host.dataDir), job.fileName));
        this.finish(job, { state: 'done', message: `Built in ${(m.ms / 1000).toFixed(1)} s.`, sizeBytes: m.sizeBytes });
      } else {
        this.finish(job, { state: 'failed', message: m.message });
      }
    });
    worker.on('error', (err) => job.worker === worker && this.finish(job, { state: 'failed', message: err.message }));
    worker.on(
      'exit',
      (code) => job.worker === worker && this.finish(job, { state: 'failed', message: `The report worker stopped (exit code ${code}).` }),
    );
  }

  private finish(job: Active, outcome: { state: 'done' | 'failed' | 'cancelled'; message: string; sizeBytes?: number }): void {
    if (!this.active.has(job.id)) return;
    const wasRunning = job.state === 'running';
    this.active.delete(job.id);
    this.lastPublished.delete(job.id);
    job.worker = null;
    if (outcome.state !== 'done') {
      const tmp = tmpPath(this.host.dataDir, job.fileName);
      // A cancelled workbook also leaves its Events sheet part (server/reports/excel/events-part.ts).
      for (const f of [tmp, `${tmp}.events.part`]) fs.rmSync(f, { force: true });
    }
    this.persist(job.orgId, job.id, {
      state: outcome.state,
      message: outcome.message,
      fileName: outcome.state === 'done' ? job.fileName : null,
      sizeBytes: outcome.sizeBytes ?? null,
      startedAt: job.startedAt,
      finishedAt: this.host.clock.now(),
    });
    const view = this.get(job.orgId, job.id);
    this.host.bus.publish({
      type: 'report_job',
      orgId: job.orgId,
      data: { tables: ['report_runs'], changes: [], ...view },
      at: new Date(this.host.clock.now()).toISOString(),
    });
    job.settle(view);
    if (wasRunning) this.running -= 1;
    this.pump();
  }

  private persist(orgId: string, id: string, patch: Partial<typeof reportRuns.$inferInsert>): void {
    const ctx: Ctx = { host: this.host, orgId, actor: { userId: null, role: 'system', name: 'report worker' } };
    // A run's progress is this host's job state (report_runs is a local table): not an edit anyone
    // made, so no audit entry; the request itself was audited when the run was inserted.
    mutate(ctx, `report.${patch.state ?? 'updated'}`, (w) => void w.setLocal(reportRuns, id, patch));
  }

  private viewOf(job: Active): JobView {
    return {
      id: job.id,
      kind: job.spec.kind,
      state: job.state,
      progress: job.progress,
      message: job.message,
      fileName: null,
      sizeBytes: null,
      scheduleId: job.scheduleId,
      createdAt: iso(job.createdAt),
      finishedAt: null,
    };
  }

  private publish(job: Active, force: boolean): void {
    const now = Date.now();
    // Wall-clock throttle (not the host clock, which tests pin): progress is a display matter.
    if (!force && now - (this.lastPublished.get(job.id) ?? 0) < 250) return;
    this.lastPublished.set(job.id, now);
    this.host.bus.publish({
      type: 'report_job',
      orgId: job.orgId,
      data: { tables: [], changes: [], ...this.viewOf(job) },
      at: new Date(this.host.clock.now()).toISOString(),
    });
  }
}
