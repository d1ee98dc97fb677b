import { DateTime } from 'luxon';
import { WorkingHoursSchema, type WorkingHours } from '../sla/contract.js';

const DAY_KEYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;

/**
 * A crew with no shift on record: the console's rule check lets anything pass, but an optimiser
 * would then plan work at 3 a.m. The usual weekday day shift is the safer assumption (reported).
 */
export const ASSUMED_SHIFT: WorkingHours = Object.fromEntries(DAY_KEYS.slice(0, 5).map((d) => [d, [['08:00', '16:30']]])) as WorkingHours;

/** The stored shift, or null when missing or malformed (stored JSON is validated before use, STYLE 8). */
export function parseShift(raw: unknown): WorkingHours | null {
  const parsed = WorkingHoursSchema.safeParse(raw);
  return parsed.success ? parsed.data : null;
}

/**
 * Absolute [start, end) intervals of a weekly shift over [from, to), merged where they touch, in
 * the depot's zone (DST-correct through luxon). The same reading as the console's planning rules
 * (renderer/console/planning/rules.ts), which the server may not import.
 */
export function shiftIntervals(shift: WorkingHours, zone: string, from: number, to: number): [number, number][] {
  const out: [number, number][] = [];
  let day = DateTime.fromMillis(from, { zone }).startOf('day').minus({ days: 1 });
  const last = DateTime.fromMillis(to, { zone }).startOf('day');
  while (day <= last) {
    for (const [a, b] of shift[DAY_KEYS[day.weekday - 1]!] ?? []) out.push([wallTime(day, a), wallTime(day, b)]);
    day = day.plus({ days: 1 }).startOf('day');
  }
  out.sort((x, y) => x[0] - y[0]);
  const merged: [number, number][] = [];
  for (const iv of out) {
    const prev = merged[merged.length - 1];
    if (prev && iv[0] <= prev[1]) prev[1] = Math.max(prev[1], iv[1]);
    else merged.push([iv[0], iv[1]]);
  }
  return merged.filter(([a, b]) => b > from && a < to);
}

function wallTime(day: DateTime, hhmm: string): number {
  if (hhmm === '24:00') return day.plus({ days: 1 }).startOf('day').toMillis();
  return day.set({ hour: Number(hhmm.slice(0, 2)), minute: Number(hhmm.slice(3, 5)) }).toMillis();
}
