import pg from 'pg';
import { startLocalCluster } from '../../hub/local-cluster.js';
import { withDatabase } from '../../testing/pg.js';
import { startFuzzOrg } from './org.js';
import { emptyMemory, emptyResult, runSchedule, type ScheduleResult } from './run.js';

/**
 * Schedules `first`, `first + 1`, … one after another on one org (a throwaway PostgreSQL cluster, a
 * hub and three depots), each healed and checked; `npm run sync:fuzz` and `npm run bench -- --only
 * syncfuzz` both run this. A schedule that throws counts as a divergence with its error.
 */
export async function fuzzBatch(opts: {
  first: number;
  runs: number;
  steps: number;
  onStart?: (skew: string) => void;
  onResult?: (r: ScheduleResult) => void;
}): Promise<ScheduleResult[]> {
  const cluster = await startLocalCluster();
  const su = new pg.Client({ connectionString: cluster.url });
  const results: ScheduleResult[] = [];
  try {
    await su.connect();
    await su.query('CREATE DATABASE fuzz');
    const org = await startFuzzOrg(withDatabase(cluster.url, 'fuzz'), opts.first);
    opts.onStart?.(org.skew);
    const memory = emptyMemory();
    try {
      for (let i = 0; i < opts.runs; i++) {
        const seed = opts.first + i;
        const r = await runSchedule(org, seed, opts.steps, memory).catch((err: Error): ScheduleResult => ({
          ...emptyResult(seed, opts.steps),
          problems: [`did not finish: ${err.message}`],
        }));
        results.push(r);
        opts.onResult?.(r);
      }
    } finally {
      await org.close();
    }
  } finally {
    await su.end().catch(() => undefined);
    cluster.stop();
  }
  return results;
}

/** One line per schedule, as `npm run sync:fuzz` prints it. */
export function describeResult(r: ScheduleResult): string {
  const a = r.acknowledged;
  return `seed ${r.seed}: ${r.problems.length ? `DIVERGED (${r.problems.length})` : 'converged'} in ${(r.ms / 1000).toFixed(1)} s; acknowledged ${a.creates} creates, ${a.edits} edits, ${a.transitions} transitions, ${a.notes}+${a.replays} notes+resends, ${a.messages} messages, ${a.materials} materials, ${a.locations} location writes; ${r.refused} refused; ${r.kills} kills; ${r.restores} restores (${r.discarded} acknowledgements taken back)`;
}
