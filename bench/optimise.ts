import { checkHardRules, currentPlan, planFigures, violationsOfMoves, withStayers, type PlanFigures } from '../server/optimise/check.js';
import { generateInstance } from '../server/optimise/generate.js';
import { greedyPlan } from '../server/optimise/greedy.js';
import { solve } from '../server/optimise/solver.js';
import { ms, percentile, type Row } from './stats.js';

/**
 * Issue 19 item 1: a day of 200 work orders over 20 technicians, shaped like the demo depot (its
 * districts, depots, shift patterns and trades; server/optimise/generate.ts), solved several times
 * in this process (the host runs the same code on a worker thread). Compared with the seeded plan
 * and with a greedy dispatcher (by SLA urgency, whoever finishes soonest).
 */
export function benchOptimise(opts: { runs: number; log: (m: string) => void }): Row[] {
  const times: number[] = [];
  let violations = 0;
  let clockStops = 0;
  const seeded: PlanFigures[] = [];
  const greedy: PlanFigures[] = [];
  const optimised: PlanFigures[] = [];
  for (let run = 0; run < opts.runs; run++) {
    // A different day per run (instance seed), so the figures are not one lucky instance.
    const inst = generateInstance({ seed: 2026 + run, jobs: 200, crews: 20 });
    seeded.push(planFigures(inst, currentPlan(inst)));
    const g = greedyPlan(inst);
    violations += checkHardRules(inst, g).length;
    greedy.push(planFigures(inst, g));
    const result = solve(inst, { seed: 1 });
    times.push(result.ms);
    if (result.stoppedByClock) clockStops++;
    violations += violationsOfMoves(inst, result.plan, new Set(result.plan.keys())).length;
    violations += checkHardRules(inst, withStayers(inst, result.plan)).length;
    optimised.push(planFigures(inst, withStayers(inst, result.plan)));
    opts.log(`run ${run + 1}/${opts.runs}: ${result.ms.toFixed(0)} ms, ${result.iterations} moves tried`);
  }
  const sum = (xs: PlanFigures[], k: keyof PlanFigures) => xs.reduce((a, x) => a + x[k], 0);
  const per = (xs: PlanFigures[], k: keyof PlanFigures) => (sum(xs, k) / xs.length).toFixed(0);
  const trio = (k: keyof PlanFigures) => `${per(seeded, k)} / ${per(greedy, k)} / ${per(optimised, k)}`;
  const ratio = (a: PlanFigures[], k: keyof PlanFigures) => (sum(optimised, k) / Math.max(1, sum(a, k))).toFixed(2);
  const p50 = percentile(times, 50);
  const p95 = percentile(times, 95);
  const label = `optimise a day (200 work orders, 20 crews, ${opts.runs} days)`;
  return [
    { metric: `${label}: hard-rule violations (greedy + optimiser)`, value: String(violations), target: '0', pass: violations === 0 },
    { metric: `${label}: solve time p50`, value: ms(p50), target: '< 2 s', pass: p50 < 2_000 },
    { metric: `${label}: solve time p95`, value: ms(p95), target: '< 2 s', pass: p95 < 2_000 },
    { metric: `${label}: runs stopped by the safety clock`, value: String(clockStops), target: '0', pass: clockStops === 0 },
    { metric: `${label}: placed per day, seeded / greedy / optimised`, value: trio('placed'), target: '', pass: null },
    { metric: `${label}: travel min per day, seeded / greedy / optimised`, value: trio('travelMin'), target: '', pass: null },
    {
      metric: `${label}: travel per placed job, optimised ÷ greedy`,
      value: (sum(optimised, 'travelMin') / sum(optimised, 'placed') / (sum(greedy, 'travelMin') / sum(greedy, 'placed'))).toFixed(2),
      target: '< 1',
      pass: sum(optimised, 'travelMin') / sum(optimised, 'placed') < sum(greedy, 'travelMin') / sum(greedy, 'placed'),
    },
    { metric: `${label}: SLA lateness min per day, seeded / greedy / optimised`, value: trio('lateMin'), target: '', pass: null },
    { metric: `${label}: late jobs per day, seeded / greedy / optimised`, value: trio('lateJobs'), target: '', pass: null },
    {
      metric: `${label}: travel total, optimised ÷ greedy / ÷ seeded`,
      value: `${ratio(greedy, 'travelMin')} / ${ratio(seeded, 'travelMin')}`,
      target: '',
      pass: null,
    },
  ];
}
