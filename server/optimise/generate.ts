import { mulberry32 } from '../core/prng.js';
import { AREAS } from '../seed/region.js';
import { routesToPlan } from './greedy.js';
import { DEFAULT_TRAVEL, eligible, MIN, type FixedBlock, type Instance, type OptCrew, type OptJob, type Priority } from './instance.js';
import { Scheduler } from './schedule.js';

/**
 * Seeded instances shaped like the demo depot (its districts of Bristol and Bath, its two depots,
 * its shift patterns, a trade per team), for the solver's property tests and `npm run bench`.
 * The "seeded plan" is what the demo's own planner does: work given to a random qualified crew,
 * appended to its day where it fits, some left unscheduled, some already dispatched.
 */

export interface GenOptions {
  seed: number;
  jobs: number;
  crews: number;
  /** Day start (UTC ms); default Tue 8 Dec 2026 00:00 UTC (London is on UTC in winter). */
  day?: number;
  /** Share of the work left unscheduled in the seeded plan (default 0.3). */
  unscheduled?: number;
}

const DEPOTS = [
  { lat: 51.4545, lon: -2.5879 },
  { lat: 51.3811, lon: -2.359 },
];
const SHIFT_STARTS = [7 * 60, 7.5 * 60, 10 * 60, 8 * 60];
const PRIORITIES: Priority[] = ['critical', 'high', 'high', 'medium', 'medium', 'medium', 'low', 'low'];

export function generateInstance(opts: GenOptions): Instance {
  const rand = mulberry32(opts.seed);
  const real = (a: number, b: number) => a + rand() * (b - a);
  const int = (a: number, b: number) => Math.floor(real(a, b + 1));
  const day = opts.day ?? Date.UTC(2026, 11, 8);
  const teams = Math.max(1, Math.round(opts.crews / 5));
  const trades = Array.from({ length: teams }, (_, i) => `trade-${i}`);
  const crews: OptCrew[] = Array.from({ length: opts.crews }, (_, i) => {
    const team = i % teams;
    const skills: Record<string, number> = { [trades[team]!]: int(2, 5) };
    if (rand() < 0.5) skills['confined-space'] = 1;
    if (rand() < 0.2) skills[trades[(team + 1) % teams]!] = int(1, 3);
    const start = day + SHIFT_STARTS[i % SHIFT_STARTS.length]! * MIN;
    return {
      id: `crew-${i}`,
      name: `Crew ${i}`,
      home: DEPOTS[team % 2]!,
      skills,
      teamIds: [`team-${team}`],
      shifts: [[start, start + 510 * MIN]],
    };
  });
  const fixed: FixedBlock[] = [];
  for (let i = 0; i < Math.round(opts.crews * 0.75); i++) {
    const crew = crews[int(0, crews.length - 1)]!;
    const [a, b] = crew.shifts[0]!;
    const start = a + int(0, Math.floor((b - a) / MIN) - 90) * MIN;
    if (fixed.some((f) => f.crewId === crew.id && f.start < start + 90 * MIN && start < f.end + 60 * MIN)) continue;
    const area = AREAS[int(0, AREAS.length - 1)]!;
    fixed.push({
      workOrderId: `fixed-${i}`,
      crewId: crew.id,
      start,
      end: start + int(30, 90) * MIN,
      site: { lat: area.lat, lon: area.lon },
    });
  }
  const jobs: OptJob[] = Array.from({ length: opts.jobs }, (_, i) => {
    const area = AREAS[int(0, AREAS.length - 1)]!;
    const team = int(0, teams - 1);
    const skills = [{ skillId: trades[team]!, minLevel: int(1, 3) }];
    if (rand() < 0.15) skills.push({ skillId: 'confined-space', minLevel: 1 });
    const priority = PRIORITIES[int(0, PRIORITIES.length - 1)]!;
    const due = rand() < 0.15 ? null : day + int(9 * 60, 30 * 60) * MIN;
    return {
      id: `job-${i}`,
      number: `WO-${String(i + 1).padStart(6, '0')}`,
      durationMin: 5 * int(4, 12),
      site: { lat: area.lat + real(-0.008, 0.008), lon: area.lon + real(-0.012, 0.012) },
      skills,
      teamId: rand() < 0.6 ? `team-${team}` : null,
      priority,
      dueAt: due,
      earliest: day,
      latest: day + 24 * 60 * MIN,
      current: { crewId: null, start: null, end: null },
      version: 1,
    };
  });
  const inst: Instance = { from: day, to: day + 24 * 60 * MIN, jobs, crews, fixed, travel: DEFAULT_TRAVEL };
  // The seeded plan: random order, random qualified crew, appended where it fits.
  const sched = new Scheduler(inst);
  const routes: number[][] = crews.map(() => []);
  const share = opts.unscheduled ?? 0.3;
  const order = jobs.map((_, j) => j).sort(() => rand() - 0.5);
  for (const j of order) {
    if (rand() < share) continue;
    const options = crews.flatMap((c, ci) => (eligible(jobs[j]!, c) ? [ci] : []));
    for (let tries = 0; tries < 3 && options.length; tries++) {
      const c = options[int(0, options.length - 1)]!;
      if (sched.decode(c, [...routes[c]!, j]).ok) {
        routes[c]!.push(j);
        break;
      }
    }
  }
  for (const [id, slot] of routesToPlan(inst, sched, routes)) {
    const job = jobs.find((x) => x.id === id)!;
    job.current = { crewId: slot.crewId, start: slot.start, end: slot.end };
  }
  return inst;
}
