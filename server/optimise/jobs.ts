import type { Worker } from 'node:worker_threads';
import type { Ctx } from '../core/context.js';
import { newId } from '../core/ids.js';
import { NotFoundError } from '../errors.js';
import type { OptimiseJob, OptimiseProposal, OptimiseRequest } from './contract.js';
import type { WorkerMessage } from './protocol.js';
import { loadInstance } from './repo.js';
import { spawnOptimiseWorker } from './spawn.js';

/**
 * Optimiser runs, in memory: a proposal is a suggestion for the next minutes, not a record (what is
 * accepted is recorded by the write path). A host restart forgets them; finished runs are kept for
 * an hour, and at most MAX_PER_ORG per org.
 */

const KEEP_MS = 60 * 60_000;
const MAX_PER_ORG = 20;

export interface Run {
  id: string;
  orgId: string;
  req: OptimiseRequest;
  state: OptimiseJob['state'];
  progress: number;
  message: string | null;
  createdAt: number;
  finishedAt: number | null;
  proposal: OptimiseProposal | null;
  worker: Worker | null;
  /** Settles when the run stops (done, failed or cancelled): tests wait on it instead of sleeping. */
  settled: Promise<void>;
  finish: (state: Run['state'], message: string | null) => void;
}

export class OptimiseJobs {
  private readonly runs = new Map<string, Run>();

  constructor(private readonly spawn: typeof spawnOptimiseWorker = spawnOptimiseWorker) {}

  start(ctx: Ctx, req: OptimiseRequest): Run {
    this.evict(ctx.host.clock.now());
    // One search per org at a time: a second press of Optimise (another range, another team) replaces
    // the first, so two dispatchers cannot tie up both cores of a depot PC.
    for (const other of this.runs.values()) {
      if (other.orgId === ctx.orgId && other.state === 'running') this.cancel(ctx, other.id, 'Replaced by a newer run');
    }
    const { instance, assumedShifts } = loadInstance(ctx, { from: Date.parse(req.from), to: Date.parse(req.to), teamId: req.teamId });
    let settle!: () => void;
    const run: Run = {
      id: newId(),
      orgId: ctx.orgId,
      req,
      state: 'running',
      progress: 0,
      message: `Planning ${instance.jobs.length} work orders over ${instance.crews.length} crews`,
      createdAt: ctx.host.clock.now(),
      finishedAt: null,
      proposal: null,
      worker: null,
      settled: new Promise<void>((resolve) => (settle = resolve)),
      finish: (state, message) => finish(state, message),
    };
    const finish = (state: Run['state'], message: string | null) => {
      if (run.state !== 'running') return;
      run.state = state;
      run.message = message;
      run.finishedAt = ctx.host.clock.now();
      run.worker = null;
      settle();
    };
    const worker = this.spawn({ instance, assumedShifts, seed: 1 });
    run.worker = worker;
    worker.on('message', (m: WorkerMessage) => {
      if (m.type === 'progress') {
        run.progress = m.progress;
        run.message = m.message;
      } else if (m.type === 'done') {
        run.proposal = m.proposal;
        run.progress = 1;
        finish('done', `${m.proposal.moves.length} moves proposed`);
        void worker.terminate();
      } else finish('failed', m.message);
    });
    worker.on('error', (err) => finish('failed', err.message));
    worker.on('exit', () => finish('failed', 'The optimiser stopped unexpectedly'));
    this.runs.set(run.id, run);
    return run;
  }

  /** The run, or 404 for another org's id (DESIGN invariant 2). */
  get(ctx: Ctx, id: string): Run {
    const run = this.runs.get(id);
    if (!run || run.orgId !== ctx.orgId) throw new NotFoundError('optimiser run', id);
    return run;
  }

  /** Stops a running search, or discards a finished run's proposal; the run then reads as cancelled. */
  cancel(ctx: Ctx, id: string, why = 'Cancelled'): void {
    const run = this.get(ctx, id);
    const worker = run.worker;
    if (run.state === 'running') run.finish('cancelled', why);
    else {
      run.state = 'cancelled';
      run.message = 'Discarded';
    }
    run.proposal = null;
    void worker?.terminate();
  }

  async close(): Promise<void> {
    await Promise.all([...this.runs.values()].map((r) => r.worker?.terminate()));
    this.runs.clear();
  }

  private evict(now: number): void {
    const byOrg = new Map<string, Run[]>();
    for (const run of this.runs.values()) {
      if (run.finishedAt !== null && now - run.finishedAt > KEEP_MS) this.runs.delete(run.id);
      else byOrg.set(run.orgId, [...(byOrg.get(run.orgId) ?? []), run]);
    }
    for (const list of byOrg.values()) {
      const done = list.filter((r) => r.state !== 'running').sort((a, b) => a.createdAt - b.createdAt);
      for (const r of done.slice(0, Math.max(0, list.length - MAX_PER_ORG + 1))) this.runs.delete(r.id);
    }
  }
}

export function toJobView(run: Run): OptimiseJob {
  return {
    id: run.id,
    state: run.state,
    progress: run.progress,
    message: run.message,
    from: run.req.from,
    to: run.req.to,
    teamId: run.req.teamId ?? null,
    createdAt: new Date(run.createdAt).toISOString(),
    proposal: run.proposal,
  };
}
