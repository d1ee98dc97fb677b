import { describe, expect, it } from 'vitest';
import { checkHardRules, currentPlan, planFigures, violationsOfMoves, withStayers } from './check.js';
import { generateInstance } from './generate.js';
import { greedyPlan } from './greedy.js';
import { DEFAULT_TRAVEL, MIN, type Instance, type OptJob } from './instance.js';
import { solve } from './solver.js';

const DAY = Date.UTC(2026, 11, 8);
const at = (h: number) => DAY + h * 60 * MIN;

function job(id: string, lat: number, lon: number, over: Partial<OptJob> = {}): OptJob {
  return {
    id,
    number: id,
    durationMin: 60,
    site: { lat, lon },
    skills: [],
    teamId: null,
    priority: 'medium',
    dueAt: null,
    earliest: DAY,
    latest: DAY + 24 * 60 * MIN,
    current: { crewId: null, start: null, end: null },
    version: 1,
    ...over,
  };
}

describe('plan optimiser', () => {
  it('when 200 seeded instances are solved, then no hard rule is ever broken and fixed work is never moved', () => {
    for (let seed = 1; seed <= 200; seed++) {
      const inst = generateInstance({ seed, jobs: 12 + (seed % 25), crews: 2 + (seed % 4) });
      const result = solve(inst, { seed, iterations: 1_500 });
      const merged = withStayers(inst, result.plan);
      expect(checkHardRules(inst, merged), `seed ${seed}`).toEqual([]);
      // Fixed work is not even a candidate: no plan entry, and nothing overlaps it (checked above).
      for (const f of inst.fixed) expect(result.plan.has(f.workOrderId)).toBe(false);
      // Work that was planned is never left out of the plan: it moves or stays.
      for (const j of inst.jobs) if (j.current.start !== null) expect(merged.has(j.id), `seed ${seed} ${j.id}`).toBe(true);
    }
  });

  it('when the same instance and seed are solved twice, then the plans are identical', () => {
    const inst = generateInstance({ seed: 42, jobs: 60, crews: 6 });
    const a = solve(inst, { seed: 3, iterations: 4_000 });
    const b = solve(inst, { seed: 3, iterations: 4_000 });
    expect([...a.plan]).toEqual([...b.plan]);
  });

  it('when a crew is busy with dispatched work, then nothing is planned over it and the work keeps its slot', () => {
    const inst: Instance = {
      from: DAY,
      to: DAY + 24 * 60 * MIN,
      travel: DEFAULT_TRAVEL,
      crews: [{ id: 'c1', name: 'One', home: { lat: 51.45, lon: -2.59 }, skills: {}, teamIds: [], shifts: [[at(8), at(13)]] }],
      fixed: [{ workOrderId: 'dispatched', crewId: 'c1', start: at(9), end: at(10), site: { lat: 51.45, lon: -2.59 } }],
      jobs: [job('a', 51.451, -2.59), job('b', 51.452, -2.59), job('c', 51.453, -2.59)],
    };
    const result = solve(inst, { iterations: 2_000 });
    expect(checkHardRules(inst, result.plan)).toEqual([]);
    for (const slot of result.plan.values()) expect(slot.end <= at(9) || slot.start >= at(10)).toBe(true);
    // 5 h of shift, 1 h taken at 9:00, three 1 h jobs a minute's drive apart: none fits before
    // 9:00 (the minute from home), two after 10:00.
    expect(result.plan.size).toBe(2);
    expect(result.unplaced).toHaveLength(1);
  });

  it('when skills and shifts rule crews out, then work goes only to a qualified crew inside its shift', () => {
    const inst: Instance = {
      from: DAY,
      to: DAY + 24 * 60 * MIN,
      travel: DEFAULT_TRAVEL,
      crews: [
        { id: 'novice', name: 'Novice', home: null, skills: { weld: 1 }, teamIds: [], shifts: [[at(6), at(18)]] },
        { id: 'expert', name: 'Expert', home: null, skills: { weld: 4 }, teamIds: [], shifts: [[at(13), at(15)]] },
      ],
      fixed: [],
      jobs: [job('weld', 51.45, -2.59, { skills: [{ skillId: 'weld', minLevel: 3 }], durationMin: 90 })],
    };
    const result = solve(inst, { iterations: 500 });
    expect(result.plan.get('weld')).toEqual({ crewId: 'expert', start: at(13), end: at(14.5) });
  });

  it('when two crews start in two towns and the work is in both, then the optimiser drives less than the greedy baseline', () => {
    // Greedy gives each job to whoever finishes it soonest; South starts at 10:00, so North drives to
    // Bath for the early Bath work and back, zig-zagging all day.
    const bristol = { lat: 51.4545, lon: -2.5879 };
    const bath = { lat: 51.3811, lon: -2.359 };
    const jobs: OptJob[] = [];
    for (let i = 0; i < 6; i++) {
      jobs.push(job(`bristol-${i}`, bristol.lat + i * 0.002, bristol.lon, { durationMin: 45 }));
      jobs.push(job(`bath-${i}`, bath.lat + i * 0.002, bath.lon, { durationMin: 45 }));
    }
    const inst: Instance = {
      from: DAY,
      to: DAY + 24 * 60 * MIN,
      travel: DEFAULT_TRAVEL,
      crews: [
        { id: 'north', name: 'North', home: bristol, skills: {}, teamIds: [], shifts: [[at(8), at(17)]] },
        { id: 'south', name: 'South', home: bath, skills: {}, teamIds: [], shifts: [[at(10), at(17)]] },
      ],
      fixed: [],
      jobs,
    };
    const greedy = planFigures(inst, greedyPlan(inst));
    const result = solve(inst, { iterations: 6_000 });
    const optimised = planFigures(inst, result.plan);
    expect(optimised.placed).toBe(12);
    expect(optimised.travelMin).toBeLessThan(greedy.travelMin * 0.6);
    // Each crew stays in its own town.
    for (const [id, slot] of result.plan) expect(slot.crewId).toBe(id.startsWith('bristol') ? 'north' : 'south');
  });

  it('when the seeded plan has late work, then the proposal is no later in total and breaks no rule', () => {
    const inst = generateInstance({ seed: 9, jobs: 80, crews: 8 });
    const before = planFigures(inst, currentPlan(inst));
    const result = solve(inst, { iterations: 8_000 });
    const after = planFigures(inst, withStayers(inst, result.plan));
    expect(after.placed).toBeGreaterThanOrEqual(before.placed);
    expect(violationsOfMoves(inst, result.plan, new Set(result.plan.keys()))).toEqual([]);
  });
});
