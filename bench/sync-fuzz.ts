import { describeResult, fuzzBatch } from '../server/sync/fuzz/batch.js';
import { median, type Row } from './stats.js';

/**
 * Issue 16's convergence figure: `runs` fault schedules (server/sync/fuzz) on a hub and three depot
 * processes, each schedule healed and checked. Divergences are the schedules whose replicas did not
 * end identical (or lost an acknowledged write, reused a number, broke an audit chain), each printed
 * with its seed for `npm run sync:fuzz -- --seed <it> --runs 1`. There is no plain reference: the
 * bar is the published 30–40 % of partitioned runs that diverged silently in a popular sync engine.
 */
export async function benchSyncFuzz(opts: { first: number; runs: number; log: (m: string) => void }): Promise<Row[]> {
  const results = await fuzzBatch({
    first: opts.first,
    runs: opts.runs,
    steps: 40,
    onStart: (skew) => opts.log(`clock skew: ${skew}`),
    onResult: (r) => {
      if (r.problems.length || r.seed % 50 === 0) opts.log(describeResult(r));
      for (const p of r.problems) opts.log(`  ${p.slice(0, 400)}`);
    },
  });
  const failed = results.filter((r) => r.problems.length);
  const partitioned = results.filter((r) => r.kills > 0).length;
  return [
    {
      metric: `sync fuzz: divergences over ${results.length} schedules (seeds ${opts.first}–${opts.first + opts.runs - 1}; ${partitioned} with kill -9)`,
      value: failed.length ? `${failed.length}: seeds ${failed.map((r) => r.seed).join(', ')}` : '0',
      target: '0 over ≥ 1,000',
      pass: failed.length === 0 && results.length >= 1_000,
    },
    {
      metric: '  schedule run + heal + check, median',
      value: `${(median(results.map((r) => r.ms)) / 1000).toFixed(1)} s`,
      target: '',
      pass: null,
    },
  ];
}
