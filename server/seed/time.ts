import { DateTime } from 'luxon';
import type { Prng } from './prng.js';

export const MIN = 60_000;
export const HOUR = 60 * MIN;
export const DAY = 24 * HOUR;

/**
 * Office-hours arithmetic in the depot's zone for the story generator: reports, planning and
 * approvals happen on weekdays in the daytime; only emergencies ignore the clock.
 */
export class LocalTime {
  constructor(private readonly zone: string) {}

  private local(ms: number): DateTime {
    return DateTime.fromMillis(ms, { zone: this.zone });
  }

  isWorking(ms: number, fromHour = 7.5, toHour = 17): boolean {
    const d = this.local(ms);
    const h = d.hour + d.minute / 60;
    return d.weekday <= 5 && h >= fromHour && h < toHour;
  }

  /** `ms` itself when inside office hours, else a random moment early on the next working day. */
  snapToWorking(ms: number, prng: Prng, fromHour = 7.5, toHour = 17): number {
    if (this.isWorking(ms, fromHour, toHour)) return ms;
    let d = this.local(ms);
    const h = d.hour + d.minute / 60;
    if (h >= fromHour) d = d.plus({ days: 1 });
    while (d.weekday > 5) d = d.plus({ days: 1 });
    const start = d.startOf('day').plus({ minutes: Math.round(fromHour * 60) });
    return start.toMillis() + prng.int(0, 150) * MIN;
  }

  /** A working day `days` working days after `ms`, at a random slot between 08:00 and 15:00. */
  slotAfter(ms: number, days: number, prng: Prng): number {
    let d = this.local(ms).startOf('day');
    let left = days;
    while (left > 0 || d.weekday > 5) {
      d = d.plus({ days: 1 });
      if (d.weekday <= 5) left--;
    }
    return d.plus({ minutes: prng.pick([8 * 60, 8 * 60 + 30, 9 * 60, 10 * 60, 11 * 60, 13 * 60, 14 * 60, 15 * 60]) }).toMillis();
  }
}
