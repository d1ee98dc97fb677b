import type { ZodType } from 'zod';
import type { Host } from '../core/context.js';
import { systemCtx } from '../core/context.js';
import { mutate } from '../core/mutate.js';
import type { Services } from '../services.js';
import { backoffMs, JobInterrupted, type JobKind } from './kind.js';
import { jobMetrics, type JobMetrics } from './metrics.js';
import { dueJobs, type JobRow } from './repo.js';
import { claimJob, completeJob, failJob, markEffect, releaseJob, renewLease } from './service.js';

export interface RunnerOptions {
  /** How often due jobs (retries coming due, leases running out) are looked for; new jobs wake it at once. */
  pollMs?: number;
  /** Jitter source; tests pass a fixed one to know the backoff exactly. */
  random?: () => number;
}

interface InFlight {
  row: JobRow;
  kind: JobKind;
  done: Promise<void>;
}

/**
 * Runs the host's durable jobs. Claiming is a short transaction per job; the handler runs async off
 * that transaction, and its outcome is another short one (done, failed with a backoff, or dead). A
 * claim is a lease the runner renews while the handler runs: if the host is killed, the lease runs
 * out and the job is claimed again after the restart (so handlers make their effects idempotent with
 * `once`, or by checking the state they bring about).
 */
export class JobRunner {
  private readonly byKind: Map<string, JobKind>;
  private readonly inFlight = new Map<string, InFlight>();
  private readonly metrics: JobMetrics;
  private timer: NodeJS.Timeout | null = null;
  private unsubscribe: (() => void) | null = null;
  private stopped = false;
  private readonly pollMs: number;
  private readonly random: () => number;
  private idleWaiters: (() => void)[] = [];
  /** Jobs given back because their part of the host is stopping: this runner does not take them again. */
  private readonly released = new Set<string>();

  constructor(
    private readonly host: Host,
    private readonly services: Services,
    kinds: readonly JobKind[],
    opts: RunnerOptions = {},
  ) {
    this.byKind = new Map(kinds.map((k) => [k.kind, k]));
    if (this.byKind.size !== kinds.length) throw new Error('two job kinds share a name');
    this.metrics = jobMetrics(host);
    this.pollMs = opts.pollMs ?? 1_000;
    this.random = opts.random ?? Math.random;
  }

  start(): this {
    if (this.timer) return this;
    this.stopped = false;
    // A committed write that queued a job (or an admin's re-drive) wakes the runner after its commit.
    this.unsubscribe = this.host.bus.subscribe((m) => {
      if (m.type === 'job.redriven' || m.data.changes?.some((c) => c.table === 'jobs' && c.op === 'insert')) this.tick();
    });
    this.timer = setInterval(() => this.tick(), this.pollMs);
    this.timer.unref();
    this.tick();
    return this;
  }

  /**
   * Stops claiming and waits for the attempts that are running to settle, so their outcome is
   * recorded. A handler that does not settle within `graceMs` is left behind: its lease runs out and
   * the next start claims the job again (a quit never hangs on a stuck handler).
   */
  async stop(graceMs = 10_000): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.unsubscribe?.();
    this.unsubscribe = null;
    let timer: NodeJS.Timeout | undefined;
    const grace = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, graceMs);
      timer.unref();
    });
    await Promise.race([Promise.all([...this.inFlight.values()].map((f) => f.done)), grace]);
    clearTimeout(timer);
  }

  /**
   * Claims what is due and starts it; returns the attempts started (tests await them). Also renews
   * the leases of long attempts. Never throws: a failure is logged and the next tick tries again.
   */
  tick(): Promise<void>[] {
    if (this.stopped) return [];
    const started: Promise<void>[] = [];
    try {
      this.renewLeases();
      const now = this.host.clock.now();
      for (const kind of this.byKind.values()) {
        let free = kind.concurrency - [...this.inFlight.values()].filter((f) => f.kind === kind).length;
        if (free <= 0) continue;
        // Over-fetch by what this runner holds: a running job whose lease passed may be one of ours.
        for (const ref of dueJobs(this.host, kind.kind, now, free + this.inFlight.size + this.released.size)) {
          if (free <= 0) break;
          if (this.inFlight.has(ref.id) || this.released.has(ref.id)) continue;
          const row = claimJob(this.host, ref, kind.leaseMs);
          if (!row) continue;
          free -= 1;
          started.push(this.run(kind, row));
        }
      }
    } catch (err) {
      this.host.log.error({ err }, 'job runner tick failed; the next one retries');
    }
    if (started.length === 0) this.maybeIdle();
    return started;
  }

  /** Resolves when nothing is running and nothing is due (tests wait on this instead of sleeping). */
  idle(): Promise<void> {
    return new Promise((resolve) => {
      this.idleWaiters.push(resolve);
      this.maybeIdle();
    });
  }

  private maybeIdle(): void {
    if (this.idleWaiters.length === 0 || this.inFlight.size > 0) return;
    const now = this.host.clock.now();
    const waiting = (k: string) => dueJobs(this.host, k, now, this.released.size + 1).some((r) => !this.released.has(r.id));
    if ([...this.byKind.keys()].some(waiting)) return;
    for (const resolve of this.idleWaiters.splice(0)) resolve();
  }

  private run(kind: JobKind, row: JobRow): Promise<void> {
    const done = this.attempt(kind, row).finally(() => {
      this.inFlight.delete(row.id);
      // A slot came free: the next due job of this kind need not wait for the poll.
      setImmediate(() => this.tick());
    });
    this.inFlight.set(row.id, { row, kind, done });
    return done;
  }

  private async attempt(kind: JobKind, row: JobRow): Promise<void> {
    const parsed = (kind.payload as ZodType).safeParse(row.payload);
    let error: string | null = null;
    let retry = true;
    let interrupted = false;
    if (!parsed.success) {
      // A payload that does not fit will never fit: no point trying again.
      error = `The job's payload does not match its kind: ${parsed.error.message}`;
      retry = false;
    } else {
      const ctx = systemCtx(this.host, row.orgId, `job ${kind.kind}`);
      try {
        await kind.run({
          job: { id: row.id, kind: row.kind, key: row.key, orgId: row.orgId, attempt: row.attempts },
          payload: parsed.data,
          ctx,
          services: this.services,
          once: (effect, action, fn) =>
            mutate(ctx, action, (w) => (markEffect(w, row.id, `${row.kind}:${row.key}:${effect}`) ? fn(w) : undefined)),
        });
      } catch (err) {
        interrupted = err instanceof JobInterrupted;
        error = err instanceof Error ? err.message || err.name : String(err);
      }
    }
    if (!this.host.sqlite.open) return;
    try {
      if (error === null) {
        if (completeJob(this.host, row)) this.metrics.processed.inc({ kind: kind.kind });
        return;
      }
      if (interrupted) {
        this.released.add(row.id);
        releaseJob(this.host, row);
        return;
      }
      this.metrics.failed.inc({ kind: kind.kind });
      const retryAt =
        retry && row.attempts < row.maxAttempts ? this.host.clock.now() + backoffMs(kind.backoff, row.attempts, this.random) : null;
      if (failJob(this.host, row, error, retryAt) && retryAt !== null) this.metrics.retried.inc({ kind: kind.kind });
      if (retryAt === null) this.host.log.warn({ job: row.id, kind: kind.kind, error }, 'background job dead-lettered');
    } catch (err) {
      // The lease runs out and the job is claimed again: an outcome lost here costs a repeat, not the job.
      this.host.log.error({ err, job: row.id }, 'recording a job outcome failed');
    }
  }

  private renewLeases(): void {
    const now = this.host.clock.now();
    for (const f of this.inFlight.values()) {
      const until = f.row.leaseUntil ?? 0;
      if (until - now > f.kind.leaseMs / 2) continue;
      const leaseUntil = now + f.kind.leaseMs;
      if (renewLease(this.host, f.row, leaseUntil)) f.row = { ...f.row, leaseUntil };
    }
  }
}
