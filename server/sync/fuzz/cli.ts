import { parseArgs } from 'node:util';
import pg from 'pg';
import { startLocalCluster } from '../../hub/local-cluster.js';
import { withDatabase } from '../../testing/pg.js';
import { startFuzzOrg } from './org.js';
import { emptyMemory, runSchedule, type ScheduleResult } from './run.js';

/**
 * `npm run sync:fuzz -- --seed N --runs M [--steps S]`: a throwaway PostgreSQL cluster, a hub and
 * three depots as real processes behind fault proxies, then M schedules (seeds N, N+1, …) one after
 * another on that org, each healed and checked. Prints one line per schedule and, at the end, every
 * schedule that did not converge with its seed. Replay one with `--seed <it> --runs 1`: the same
 * steps on a fresh org (an earlier schedule's rows are then absent, and timing varies). Exit 1 on any
 * divergence.
 */

const { values } = parseArgs({
  options: {
    seed: { type: 'string', default: String(Math.floor(Math.random() * 2 ** 31)) },
    runs: { type: 'string', default: '5' },
    steps: { type: 'string', default: '40' },
  },
});
const num = (name: string, v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new Error(`--${name} must be a whole number, not "${v}"`);
  return n;
};
const first = num('seed', values.seed);
const runs = num('runs', values.runs);
const steps = num('steps', values.steps);

const cluster = await startLocalCluster();
const su = new pg.Client({ connectionString: cluster.url });
await su.connect();
await su.query('CREATE DATABASE fuzz');
const org = await startFuzzOrg(withDatabase(cluster.url, 'fuzz'), first);
console.log(`sync fuzz: hub + depots A, B, C (clock skew: ${org.skew}); seeds ${first}…${first + runs - 1}, ${steps} steps each`);
const results: ScheduleResult[] = [];
const memory = emptyMemory();
try {
  for (let i = 0; i < runs; i++) {
    const r = await runSchedule(org, first + i, steps, memory).catch((err: Error): ScheduleResult => ({
      seed: first + i,
      steps,
      acknowledged: { creates: 0, edits: 0, transitions: 0, notes: 0, replays: 0, messages: 0, materials: 0, locations: 0 },
      refused: 0,
      kills: 0,
      problems: [`did not finish: ${err.message}`],
      ms: 0,
    }));
    results.push(r);
    const a = r.acknowledged;
    console.log(
      `seed ${r.seed}: ${r.problems.length ? `DIVERGED (${r.problems.length})` : 'converged'} in ${(r.ms / 1000).toFixed(1)} s; acknowledged ${a.creates} creates, ${a.edits} edits, ${a.transitions} transitions, ${a.notes}+${a.replays} notes+resends, ${a.messages} messages, ${a.materials} materials, ${a.locations} location writes; ${r.refused} refused; ${r.kills} kills`,
    );
    for (const p of r.problems) console.log(`  ${p}`);
  }
} finally {
  await org.close();
  await su.end();
  cluster.stop();
}
const failed = results.filter((r) => r.problems.length);
console.log(
  `\n${results.length} schedules, ${failed.length} divergences${failed.length ? `: seeds ${failed.map((r) => r.seed).join(', ')}` : ''}`,
);
process.exit(failed.length ? 1 : 0);
