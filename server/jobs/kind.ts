import type { z, ZodType } from 'zod';
import type { Ctx } from '../core/context.js';
import type { Writer } from '../core/mutate.js';
import type { Services } from '../services.js';

/** What a handler is given for one attempt of one job. */
export interface JobRun<P> {
  job: { id: string; kind: string; key: string; orgId: string; attempt: number };
  payload: P;
  /** A system context in the job's org, so everything the handler reads and writes stays scoped. */
  ctx: Ctx;
  services: Services;
  /**
   * Applies an effect once: `fn` runs in one mutation with a marker keyed by this job and `effect`,
   * and a run of the same job after a crash finds the marker and skips it (returns undefined).
   */
  once<T>(effect: string, action: string, fn: (w: Writer) => T): T | undefined;
}

export interface JobKindSpec<S extends ZodType> {
  kind: string;
  payload: S;
  /** Attempts before the job is dead-lettered. */
  maxAttempts: number;
  /** Delay before retry n is min(capMs, baseMs · 2^(n−1)), half of it jittered. Defaults 5 s and 15 min. */
  backoff?: { baseMs: number; capMs: number };
  /** How long a claim holds before another claim may take the job (renewed while it runs). Default 30 s. */
  leaseMs?: number;
  /** Jobs of this kind running at once. Default 1. */
  concurrency?: number;
  run(r: JobRun<z.output<S>>): Promise<void>;
}

export interface JobKind<S extends ZodType = ZodType> extends Required<Omit<JobKindSpec<S>, 'run'>> {
  run: JobKindSpec<S>['run'];
  /** Queues a job of this kind inside `w`'s mutation (the payload is checked here, before it is stored). */
  enqueue(w: Writer, payload: z.input<S>, key: string, opts?: { runAt?: number }): string | null;
}

/**
 * Declares a job kind. Adding one is a file that calls this, plus its line in server/jobs/kinds.ts;
 * services queue it with `kind.enqueue(w, payload, key)` inside their mutation.
 */
export function defineJobKind<S extends ZodType>(spec: JobKindSpec<S>): JobKind<S> {
  return {
    backoff: { baseMs: 5_000, capMs: 15 * 60_000 },
    leaseMs: 30_000,
    concurrency: 1,
    ...spec,
    enqueue(w, payload, key, opts = {}) {
      const parsed: unknown = spec.payload.parse(payload);
      return w.enqueue({ kind: spec.kind, key, payload: parsed, maxAttempts: spec.maxAttempts, ...opts });
    },
  };
}

/**
 * Thrown by a handler the host's stop cut short: the runner puts the job back in the queue without
 * counting the attempt, so the next start runs it at once instead of after its lease.
 */
export class JobInterrupted extends Error {
  override name = 'JobInterrupted';
}

/** Delay before the next attempt after `attempt` failed: exponential, capped, the upper half jittered. */
export function backoffMs(backoff: { baseMs: number; capMs: number }, attempt: number, random: () => number): number {
  const full = Math.min(backoff.capMs, backoff.baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(full / 2 + random() * (full / 2));
}
