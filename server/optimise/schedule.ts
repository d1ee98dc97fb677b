import { haversineM } from '../core/geo.js';
import { MIN, PRIORITY_WEIGHT, travelMin, type FixedBlock, type Instance } from './instance.js';

/**
 * Turns one crew's ordered list of jobs into times: each job starts as early as its window, the
 * crew's shifts, the travel from where the crew last was and the crew's fixed work allow. A route
 * whose jobs cannot all fit is infeasible; the solver never keeps one. Hard rules are met here by
 * construction (check.ts verifies them independently).
 */

/** Soft-goal weights, in "minutes of driving" so the terms add up. */
export const WEIGHTS = {
  travelPerMin: 1,
  /** Per minute past the SLA due time, times the priority weight (critical 8 .. low 1). */
  latePerMin: 2,
  /** Per job left unplaced, times the priority weight: placing work beats any other gain. */
  unplaced: 5_000,
  /** Per km of a job from the centre of its crew's other work: keeps a crew in one area. */
  areaPerKm: 0.5,
  /** Moving already-planned work costs something, so a plan is not churned for a trivial gain. */
  changedCrew: 15,
  changedTime: 3,
};

export interface Decoded {
  ok: boolean;
  starts: number[];
  travel: number;
  /** Weighted cost of the route (travel, lateness, area, churn). */
  cost: number;
}

const INFEASIBLE: Decoded = { ok: false, starts: [], travel: 0, cost: Infinity };

export class Scheduler {
  /** Fixed blocks per crew index, sorted by start. */
  readonly fixedOf: FixedBlock[][];
  private readonly crewIndex = new Map<string, number>();
  private readonly tt: Float64Array;
  private readonly n: number;

  constructor(readonly inst: Instance) {
    inst.crews.forEach((c, i) => this.crewIndex.set(c.id, i));
    this.fixedOf = inst.crews.map(() => []);
    for (const f of inst.fixed) {
      const i = this.crewIndex.get(f.crewId);
      if (i !== undefined && f.end > inst.from && f.start < inst.to + 86_400_000) this.fixedOf[i]!.push(f);
    }
    for (const list of this.fixedOf) list.sort((a, b) => a.start - b.start);
    // Job-to-job driving times once: the local search asks for them millions of times.
    this.n = inst.jobs.length;
    this.tt = new Float64Array(this.n * this.n);
    for (let a = 0; a < this.n; a++)
      for (let b = 0; b < this.n; b++) this.tt[a * this.n + b] = travelMin(inst.travel, inst.jobs[a]!.site, inst.jobs[b]!.site);
  }

  crewIdx(id: string): number | undefined {
    return this.crewIndex.get(id);
  }

  jobTravel(a: number, b: number): number {
    return this.tt[a * this.n + b]!;
  }

  /** Times for `order` on crew `c`, and the route's cost; `{ ok: false }` when a job cannot fit. */
  decode(c: number, order: readonly number[], insertAt = -1, insertJob = -1): Decoded {
    // With insertAt >= 0 the route decoded is `order` with insertJob at that position, without
    // building the array: the search asks this for every position of every candidate crew.
    const len = order.length + (insertAt >= 0 ? 1 : 0);
    const at = (k: number) => (insertAt < 0 || k < insertAt ? order[k]! : k === insertAt ? insertJob : order[k - 1]!);
    const { inst } = this;
    const crew = inst.crews[c]!;
    const fixed = this.fixedOf[c]!;
    const shifts = crew.shifts;
    const starts: number[] = new Array(len);
    let t = -Infinity;
    // Where the crew is: a job index (>= 0), a fixed block's site, or home.
    let atJob = -1;
    let atSite = crew.home;
    let iv = 0;
    let fi = 0;
    let travel = 0;
    for (let k = 0; k < len; k++) {
      const j = at(k);
      const job = inst.jobs[j]!;
      const dur = job.durationMin * MIN;
      for (let guard = 0; ; guard++) {
        if (guard > 10_000) return INFEASIBLE;
        const from = Math.max(t, job.earliest);
        while (iv < shifts.length && shifts[iv]![1] <= t) iv++;
        let w = iv;
        while (w < shifts.length && shifts[w]![1] <= from) w++;
        if (w >= shifts.length) return INFEASIBLE;
        const [ivStart, ivEnd] = shifts[w]!;
        let base = t;
        let leg: number;
        if (t < ivStart) {
          // Off shift in between: the crew sets out from home when the shift starts.
          base = ivStart;
          leg = travelMin(inst.travel, crew.home, job.site);
        } else {
          leg = atJob >= 0 ? this.jobTravel(atJob, j) : travelMin(inst.travel, atSite, job.site);
        }
        let s = Math.max(base + leg * MIN, job.earliest);
        // Planned work stays at its time on its crew unless something must push it later: a plan
        // is not churned to gain a few idle minutes. Work that is late may move earlier.
        const anchor = job.current.start;
        if (anchor !== null && anchor > s && job.current.crewId === crew.id && (job.dueAt === null || anchor + dur <= job.dueAt))
          s = anchor;
        const e = s + dur;
        while (fi < fixed.length && fixed[fi]!.end <= base) fi++;
        const b = fixed[fi];
        if (b && b.start < e + travelMin(inst.travel, job.site, b.site) * MIN) {
          // The fixed job comes first: the crew does it, then carries on from its site.
          if (b.start >= base) {
            const here = t < ivStart ? crew.home : atJob >= 0 ? inst.jobs[atJob]!.site : atSite;
            travel += travelMin(inst.travel, here, b.site);
          }
          t = Math.max(t, b.end);
          atJob = -1;
          atSite = b.site;
          fi++;
          continue;
        }
        if (e > ivEnd) {
          t = ivEnd;
          iv = w + 1;
          atJob = -1;
          atSite = crew.home;
          continue;
        }
        if (e > job.latest) return INFEASIBLE;
        starts[k] = s;
        travel += leg;
        t = e;
        atJob = j;
        break;
      }
    }
    const full = insertAt < 0 ? order : Array.from({ length: len }, (_, k) => at(k));
    return { ok: true, starts, travel, cost: this.costOf(c, full, starts, travel) };
  }

  private costOf(c: number, order: readonly number[], starts: number[], travel: number): number {
    const { inst } = this;
    const crewId = inst.crews[c]!.id;
    let cost = travel * WEIGHTS.travelPerMin;
    let lat = 0;
    let lon = 0;
    let sited = 0;
    for (let k = 0; k < order.length; k++) {
      const job = inst.jobs[order[k]!]!;
      const end = starts[k]! + job.durationMin * MIN;
      if (job.dueAt !== null && end > job.dueAt) cost += ((end - job.dueAt) / MIN) * WEIGHTS.latePerMin * PRIORITY_WEIGHT[job.priority];
      if (job.current.crewId !== null && job.current.start !== null) {
        if (job.current.crewId !== crewId) cost += WEIGHTS.changedCrew;
        else if (job.current.start !== starts[k]) cost += WEIGHTS.changedTime;
      }
      if (job.site) {
        lat += job.site.lat;
        lon += job.site.lon;
        sited++;
      }
    }
    if (sited > 1) {
      const centre = { lat: lat / sited, lon: lon / sited };
      for (const j of order) {
        const site = inst.jobs[j]!.site;
        if (site) cost += (haversineM(site, centre) / 1000) * WEIGHTS.areaPerKm;
      }
    }
    return cost;
  }
}
