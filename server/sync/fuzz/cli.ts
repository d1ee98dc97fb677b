import { parseArgs } from 'node:util';
import { describeResult, fuzzBatch } from './batch.js';

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

const results = await fuzzBatch({
  first,
  runs,
  steps,
  onStart: (skew) =>
    console.log(`sync fuzz: hub + depots A, B, C (clock skew: ${skew}); seeds ${first}…${first + runs - 1}, ${steps} steps each`),
  onResult: (r) => {
    console.log(describeResult(r));
    for (const p of r.problems) console.log(`  ${p}`);
  },
});
const failed = results.filter((r) => r.problems.length);
console.log(
  `\n${results.length} schedules, ${failed.length} divergences${failed.length ? `: seeds ${failed.map((r) => r.seed).join(', ')}` : ''}`,
);
process.exit(failed.length ? 1 : 0);
