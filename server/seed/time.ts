import { DateTime } from 'luxon';
import type { WorkingHours } from '../sla/contract.js';
import type { Prng } from './prng.js';

export const MIN = 60_000;
export const HOUR = 60 * MIN;
export const DAY = 24 * HOUR;
/** Every zone's UTC offset is a whole number of quarter hours, and changes only on a quarter hour. */
const QUARTER = 15 * MIN;
const DAY_KEYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;

/**
 * Office-hours arithmetic in the depot's zone for the story generator: reports, planning and
 * approvals happen on weekdays in the daytime; only emergencies ignore the clock.
 *
 * It runs a few times per work order, a million times for the large seed, where luxon's zone
 * arithmetic (an Intl lookup per DateTime) was a tenth of the seed's CPU. So luxon is asked once per
 * quarter hour (the offset) and once per local date (its midnight), and the rest is integer sums on
 * local dates counted in days since 1970-01-01. time.test.ts holds the luxon version as its oracle.
 */
export class LocalTime {
  private readonly offsets = new Map<number, number>();
  private readonly midnights = new Map<number, number>();

  constructor(private readonly zone: string) {}

  /** Local wall-clock time of `ms`, as if it were UTC: day and minute fall out of integer division. */
  private wall(ms: number): number {
    const q = Math.floor(ms / QUARTER);
    let offset = this.offsets.get(q);
    if (offset === undefined) {
      offset = DateTime.fromMillis(q * QUARTER, { zone: this.zone }).offset;
      this.offsets.set(q, offset);
    }
    return ms + offset * MIN;
  }

  /** The instant the local date (days since 1970-01-01) starts: luxon resolves a midnight that a clock change skips. */
  private midnight(date: number): number {
    let at = this.midnights.get(date);
    if (at === undefined) {
      const d = new Date(date * DAY);
      at = DateTime.fromObject(
        { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() },
        { zone: this.zone },
      ).toMillis();
      this.midnights.set(date, at);
    }
    return at;
  }

  /**
   * Whether [start, end] lies inside one of the shift's intervals on start's local day (the seed's
   * jobs never run past midnight). No shift on record fits anything, as the planning rules read it.
   */
  withinShift(shift: WorkingHours | null, start: number, end: number): boolean {
    if (!shift) return true;
    const wallStart = this.wall(start);
    const date = Math.floor(wallStart / DAY);
    const from = (wallStart - date * DAY) / MIN;
    const to = (this.wall(end) - date * DAY) / MIN;
    const minutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
    return (shift[DAY_KEYS[LocalTime.weekday(date) - 1]!] ?? []).some(([a, b]) => from >= minutes(a) && to <= minutes(b));
  }

  /** ISO weekday (Monday 1 … Sunday 7) of a local date; 1970-01-01 was a Thursday. */
  private static weekday(date: number): number {
    return ((((date + 3) % 7) + 7) % 7) + 1;
  }

  isWorking(ms: number, fromHour = 7.5, toHour = 17): boolean {
    const wall = this.wall(ms);
    const date = Math.floor(wall / DAY);
    const h = Math.floor((wall - date * DAY) / MIN) / 60;
    return LocalTime.weekday(date) <= 5 && h >= fromHour && h < toHour;
  }

  /** `ms` itself when inside office hours, else a random moment early on the next working day. */
  snapToWorking(ms: number, prng: Prng, fromHour = 7.5, toHour = 17): number {
    if (this.isWorking(ms, fromHour, toHour)) return ms;
    const wall = this.wall(ms);
    let date = Math.floor(wall / DAY);
    const h = Math.floor((wall - date * DAY) / MIN) / 60;
    if (h >= fromHour) date++;
    while (LocalTime.weekday(date) > 5) date++;
    // Minutes are added as elapsed time (as luxon's plus does), not on the wall clock.
    return this.midnight(date) + Math.round(fromHour * 60) * MIN + prng.int(0, 150) * MIN;
  }

  /** A working day `days` working days after `ms`, at a random slot between 08:00 and 15:00. */
  slotAfter(ms: number, days: number, prng: Prng): number {
    let date = Math.floor(this.wall(ms) / DAY);
    let left = days;
    while (left > 0 || LocalTime.weekday(date) > 5) {
      date++;
      if (LocalTime.weekday(date) <= 5) left--;
    }
    return this.midnight(date) + prng.pick([8 * 60, 8 * 60 + 30, 9 * 60, 10 * 60, 11 * 60, 13 * 60, 14 * 60, 15 * 60]) * MIN;
  }
}
