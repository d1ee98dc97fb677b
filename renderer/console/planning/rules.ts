import { DateTime } from 'luxon';
import type { WorkingHours } from '../../../server/sla/contract.js';

/**
 * Planning rules, checked in the console before (and after) every change. Pure: no React, no API,
 * so rules.test.ts beside it can test it directly. Violations are shown, never enforced:
 * the dispatcher may knowingly double-book or plan past the SLA.
 */
export type ViolationKind = 'double_booking' | 'skills' | 'shift' | 'sla';

export interface Violation {
  kind: ViolationKind;
  workOrderId: string;
  message: string;
  /** The other work order in a double booking. */
  otherId?: string;
}

export interface PlannedJob {
  id: string;
  number: string;
  assigneeId: string | null;
  start: number;
  end: number;
  requiredSkills: { skillId: string; minLevel: number }[];
  resolutionDueAt: number | null;
}

export interface Crew {
  shift: WorkingHours | null;
  /** skillId → level 1..5 */
  skills: Map<string, number>;
}

export interface RuleContext {
  crews: Map<string, Crew>;
  skillNames: Map<string, string>;
  /** The depot's IANA zone: shifts are wall-clock hours there, whatever the browser's zone. */
  zone: string;
  /** The depot's locale for the dates in messages; absent, luxon's default. */
  locale?: string;
}

const DAY_KEYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;

/** The absolute [start, end) shift intervals touching [from, to), merged where they touch. DST-correct via luxon. */
export function shiftIntervals(shift: WorkingHours, zone: string, from: number, to: number): [number, number][] {
  const out: [number, number][] = [];
  let day = DateTime.fromMillis(from, { zone }).startOf('day').minus({ days: 1 });
  const last = DateTime.fromMillis(to, { zone }).startOf('day');
  while (day <= last) {
    for (const [a, b] of shift[DAY_KEYS[day.weekday - 1]!] ?? []) {
      out.push([wallTime(day, a), wallTime(day, b)]);
    }
    day = day.plus({ days: 1 }).startOf('day');
  }
  out.sort((x, y) => x[0] - y[0]);
  const merged: [number, number][] = [];
  for (const iv of out) {
    const prev = merged[merged.length - 1];
    if (prev && iv[0] <= prev[1]) prev[1] = Math.max(prev[1], iv[1]);
    else merged.push([iv[0], iv[1]]);
  }
  return merged;
}

/** "HH:MM" on a local day as epoch ms; "24:00" is the next local midnight (23 or 25 h later on DST days). */
function wallTime(day: DateTime, hhmm: string): number {
  if (hhmm === '24:00') return day.plus({ days: 1 }).startOf('day').toMillis();
  return day.set({ hour: Number(hhmm.slice(0, 2)), minute: Number(hhmm.slice(3, 5)) }).toMillis();
}

export function withinShift(shift: WorkingHours | null, zone: string, start: number, end: number): boolean {
  if (!shift) return true; // no shift on record: nothing to check against
  return covered(shiftIntervals(shift, zone, start, end), start, end);
}

/** Binary search in sorted, merged intervals. */
function covered(intervals: [number, number][], start: number, end: number): boolean {
  let lo = 0;
  let hi = intervals.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const [a, b] = intervals[mid]!;
    if (start < a) hi = mid - 1;
    else if (start >= b) lo = mid + 1;
    else return end <= b;
  }
  return false;
}

// Day and month names in the depot's language (luxon would take the browser's), on a 24-hour clock.
const fmt = (ms: number, zone: string, locale?: string) => DateTime.fromMillis(ms, { zone, locale }).toFormat('ccc d LLL HH:mm');

/** Every violation of every job, keyed by work order id. Jobs without an assignee are only checked against the SLA. */
export function checkRules(jobs: PlannedJob[], ctx: RuleContext): Map<string, Violation[]> {
  const result = new Map<string, Violation[]>();
  const add = (v: Violation) => {
    const list = result.get(v.workOrderId);
    if (list) list.push(v);
    else result.set(v.workOrderId, [v]);
  };

  // Double booking: sort each crew's jobs by start and sweep, so 2,000 jobs cost n log n, not n².
  const byCrew = new Map<string, PlannedJob[]>();
  for (const j of jobs) {
    if (!j.assigneeId || !(j.end > j.start)) continue;
    const list = byCrew.get(j.assigneeId);
    if (list) list.push(j);
    else byCrew.set(j.assigneeId, [j]);
  }
  for (const list of byCrew.values()) {
    list.sort((a, b) => a.start - b.start || a.end - b.end);
    const open: PlannedJob[] = [];
    for (const j of list) {
      for (let i = open.length - 1; i >= 0; i--) if (open[i]!.end <= j.start) open.splice(i, 1);
      for (const o of open) {
        add({ kind: 'double_booking', workOrderId: j.id, otherId: o.id, message: `Double-booked with ${o.number}` });
        add({ kind: 'double_booking', workOrderId: o.id, otherId: j.id, message: `Double-booked with ${j.number}` });
      }
      open.push(j);
    }
  }

  // Shift intervals once per crew over the span of its jobs (luxon per job would cost ~0.25 ms each).
  const shifts = new Map<string, [number, number][]>();
  for (const [crewId, list] of byCrew) {
    const shift = ctx.crews.get(crewId)?.shift;
    if (!shift || !list.length) continue;
    let lo = Infinity;
    let hi = -Infinity;
    for (const j of list) {
      lo = Math.min(lo, j.start);
      hi = Math.max(hi, j.end);
    }
    shifts.set(crewId, shiftIntervals(shift, ctx.zone, lo, hi));
  }

  for (const j of jobs) {
    const crew = j.assigneeId ? ctx.crews.get(j.assigneeId) : undefined;
    if (crew) {
      const missing = j.requiredSkills.filter((r) => (crew.skills.get(r.skillId) ?? 0) < r.minLevel);
      if (missing.length) {
        const names = missing.map((r) => `${ctx.skillNames.get(r.skillId) ?? 'skill'} ≥ ${r.minLevel}`).join(', ');
        add({ kind: 'skills', workOrderId: j.id, message: `Missing skills: ${names}` });
      }
      const intervals = shifts.get(j.assigneeId!);
      if (crew.shift && intervals && j.end > j.start && !covered(intervals, j.start, j.end)) {
        add({
          kind: 'shift',
          workOrderId: j.id,
          message: `Outside the crew's shift (${fmt(j.start, ctx.zone, ctx.locale)}–${DateTime.fromMillis(j.end, { zone: ctx.zone }).toFormat('HH:mm')})`,
        });
      }
    }
    if (j.resolutionDueAt !== null && j.end > j.resolutionDueAt) {
      add({ kind: 'sla', workOrderId: j.id, message: `Ends after the SLA resolution due time (${fmt(j.resolutionDueAt, ctx.zone)})` });
    }
  }
  return result;
}

export const VIOLATION_LABEL: Record<ViolationKind, string> = {
  double_booking: 'Double booking',
  skills: 'Skills missing',
  shift: 'Outside shift',
  sla: 'After SLA due',
};
