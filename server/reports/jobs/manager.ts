import fs from 'node:fs';
import path from 'node:path';
import type { Worker } from 'node:worker_threads';
import { and, eq } from 'drizzle-orm';
import { reportRuns, type ReportRunState } from '../../../db/schema/index.js';
import type { Ctx, Host } from '../../core/context.js';
import { mutate, type Writer } from '../../core/mutate.js';
import { NotFoundError } from '../../errors.js';
import { iso } from '../../http/contract-common.js';
import { DB_FILE } from '../../host.js';
import type { BuildSpec } from './build.js';
import type { WorkerMessage } from './protocol.js';
import { spawnReportWorker } from './spawn.js';
import { reportBuildJob } from './durable.js';
import { JobInterrupted } from '../../jobs/kind.js';

/**
 * Report jobs: a small pool of worker threads fed from a FIFO queue. A request is a report_runs row
 * and a durable `report.build` job written together (./durable.ts); the host's job runner hands the
 * job to build(), so a build asked for survives a crash or restart. State changes go to report_runs
 * through the write path; progress stays in memory and goes out on /ws as `report_job` messages.
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
  /** Ends `done` without an outcome: the host is stopping (see close()). */
  interrupt: (err: Error) => void;
  done: Promise<JobView>;
}

export const reportsDir = (dataDir: string) => path.join(dataDir, 'reports');
const tmpPath = (dataDir: string, fileName: string) => path.join(reportsDir(dataDir), '.tmp', `${fileName}.part`);

export class ReportJobs {
  private readonly active = new Map<string, Active>();
  private readonly pending: Active[] = [];
  private running = 0;
  private closed = false;
  /** Last time each job's progress went out on /ws. */
  private readonly lastPublished = new Map<string, number>();
  /** Callers waiting for a run to finish that is not building yet (its job is still queued). */
  private readonly waiting = new Map<string, ((v: JobView) => void)[]>();

  constructor(
    private readonly host: Host,
    private readonly concurrency = 2,
  ) {
    // Runs a previous process left unfinished with no job to finish them (queued before jobs were
    // durable) would wait forever. A run whose job is dead stays queued: an admin's re-drive builds it.
    const stale = host.sqlite
      .prepare(
        `SELECT id, org_id FROM report_runs r WHERE state IN ('queued', 'running') AND NOT EXISTS
           (SELECT 1 FROM jobs j WHERE j.kind = ? AND j.key = r.id AND j.state <> 'done')`,
      )
      .raw()
      .all(reportBuildJob.kind) as [string, string][];
    for (const [id, orgId] of stale)
      this.persist(orgId, id, {
        state: 'failed',
        message: 'The host stopped before this report was finished; start it again.',
        finishedAt: host.clock.now(),
      });
  }

  /**
   * Queues a build inside the caller's mutation: the run row and its durable job commit together.
   * Returns the run id.
   */
  queue(w: Writer, req: JobRequest, opts: { fileName: string; scheduleId?: string | null }): string {
    const spec: BuildSpec = { ...req, orgId: w.ctx.orgId, now: w.now };
    const row = w.insert(reportRuns, {
      scheduleId: opts.scheduleId ?? null,
      kind: spec.kind,
      state: 'queued',
      params: spec,
      message: null,
      fileName: null,
      sizeBytes: null,
      requestedBy: w.ctx.actor.userId,
      startedAt: null,
      finishedAt: null,
    });
    reportBuildJob.enqueue(w, { runId: row.id, fileName: opts.fileName }, row.id);
    return row.id;
  }

  /** Queues a build; resolves `done` with the final view (also for failures and cancellations). */
  enqueue(ctx: Ctx, req: JobRequest, opts: { fileName: string; scheduleId?: string | null }): { id: string; done: Promise<JobView> } {
    const id = mutate(ctx, 'report.queued', (w) => this.queue(w, req, opts));
    return { id, done: this.settled(ctx.orgId, id) };
  }

  /** Resolves with the run's final view, at once when it has finished already. */
  settled(orgId: string, id: string): Promise<JobView> {
    const view = this.get(orgId, id);
    if (view.state !== 'queued' && view.state !== 'running') return Promise.resolve(view);
    return new Promise((resolve) => this.waiting.set(id, [...(this.waiting.get(id) ?? []), resolve]));
  }

  /**
   * Builds a queued run (called by its durable job); resolves when the run has finished, however it
   * finished. A run finished before (the job runs again after a crash) is left as it is.
   */
  build(orgId: string, id: string, fileName: string): Promise<JobView> {
    if (this.closed) return Promise.reject(new JobInterrupted('The report pool is stopping.'));
    const running = this.active.get(id);
    if (running) return running.done;
    const row = this.host.db
      .select()
      .from(reportRuns)
      .where(and(eq(reportRuns.id, id), eq(reportRuns.orgId, orgId)))
      .get();
    if (!row) throw new NotFoundError('report job', id);
    if (row.state !== 'queued' && row.state !== 'running') return Promise.resolve(this.get(orgId, id));
    let settle!: (v: JobView) => void;
    let interrupt!: (err: Error) => void;
    const done = new Promise<JobView>((resolve, reject) => {
      settle = resolve;
      interrupt = reject;
    });
    const job: Active = {
      id,
      orgId,
      spec: row.params as BuildSpec,
      fileName,
      scheduleId: row.scheduleId,
      state: 'queued',
      progress: 0,
      message: 'waiting for a free worker',
      createdAt: row.createdAt,
      startedAt: null,
      worker: null,
      settle,
      interrupt,
      done,
    };
    this.active.set(job.id, job);
    this.pending.push(job);
    this.publish(job, true);
    this.pump();
    return done;
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
    if (!job || job.orgId !== orgId) {
      // Its job has not reached the pool yet: the run ends here, and the job finds it finished.
      if (this.get(orgId, id).state === 'queued') {
        this.persist(orgId, id, { state: 'cancelled', message: 'Cancelled.', finishedAt: this.host.clock.now() });
        this.announce(orgId, id);
      }
      return this.get(orgId, id);
    }
    const i = this.pending.indexOf(job);
    if (i >= 0) this.pending.splice(i, 1);
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

  /**
   * A stop is not a cancel: runs being built stay queued, and their durable jobs go back to the
   * queue (JobInterrupted), so the next start builds them.
   */
  async close(): Promise<void> {
    this.closed = true;
    this.pending.length = 0;
    const stopping = [...this.active.values()];
    this.active.clear();
    await Promise.all(
      stopping.map(async (job) => {
        const worker = job.worker;
        job.worker = null;
        if (worker) await worker.terminate();
        this.removeTmp(job);
        job.interrupt(new JobInterrupted('The host stopped while this report was being built; it is built at the next start.'));
      }),
    );
  }

  private pump(): void {
    while (!this.closed && this.running < this.concurrency && this.pending.length > 0) {
      const job = this.pending.shift()!;
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
    // A stopping host must not wait for a report; close() ends what is running.
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
    if (outcome.state !== 'done') this.removeTmp(job);
    this.persist(job.orgId, job.id, {
      state: outcome.state,
      message: outcome.message,
      fileName: outcome.state === 'done' ? job.fileName : null,
      sizeBytes: outcome.sizeBytes ?? null,
      startedAt: job.startedAt,
      finishedAt: this.host.clock.now(),
    });
    job.settle(this.announce(job.orgId, job.id));
    if (wasRunning) this.running -= 1;
    this.pump();
  }

  private removeTmp(job: Active): void {
    const tmp = tmpPath(this.host.dataDir, job.fileName);
    // A cancelled workbook also leaves its Events sheet part (server/reports/excel/events-part.ts).
    for (const f of [tmp, `${tmp}.events.part`]) fs.rmSync(f, { force: true });
  }

  /** Tells /ws and anyone waiting that a run finished; returns its final view. */
  private announce(orgId: string, id: string): JobView {
    const view = this.get(orgId, id);
    this.host.bus.publish({
      type: 'report_job',
      orgId,
      data: { tables: ['report_runs'], changes: [], ...view },
      at: new Date(this.host.clock.now()).toISOString(),
    });
    for (const resolve of this.waiting.get(id) ?? []) resolve(view);
    this.waiting.delete(id);
    return view;
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
