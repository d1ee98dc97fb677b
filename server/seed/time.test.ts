import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { Prng } from './prng.js';
import { DAY, LocalTime, MIN } from './time.js';

/** The luxon version LocalTime replaced (slow: a zone lookup per DateTime), kept as the oracle. */
class LuxonTime {
  constructor(private readonly zone: string) {}
  private local(ms: number): DateTime {
    return DateTime.fromMillis(ms, { zone: this.zone });
  }
  isWorking(ms: number, fromHour = 7.5, toHour = 17): boolean {
    const d = this.local(ms);
    const h = d.hour + d.minute / 60;
    return d.weekday <= 5 && h >= fromHour && h < toHour;
  }
  snapToWorking(ms: number, prng: Prng, fromHour = 7.5, toHour = 17): number {
    if (this.isWorking(ms, fromHour, toHour)) return ms;
    let d = this.local(ms);
    const h = d.hour + d.minute / 60;
    if (h >= fromHour) d = d.plus({ days: 1 });
    while (d.weekday > 5) d = d.plus({ days: 1 });
    return (
      d
        .startOf('day')
        .plus({ minutes: Math.round(fromHour * 60) })
        .toMillis() +
      prng.int(0, 150) * MIN
    );
  }
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

describe("the seed's office-hours arithmetic", () => {
  // London and New York change clocks; Kathmandu is +05:45; Lord Howe moves by half an hour.
  const zones = [
    ['Europe/London', 4],
    ['America/New_York', 4],
    ['Asia/Kathmandu', 0],
    ['Australia/Lord_Howe', 4],
  ] as const;
  for (const [zone, clockChanges] of zones) {
    it(`when run over two years of random instants in ${zone}, then every answer is luxon's, clock changes included`, () => {
      const fast = new LocalTime(zone);
      const slow = new LuxonTime(zone);
      const pick = new Prng(7);
      const from = Date.UTC(2025, 0, 1);
      // Random instants over two years, and every ten minutes for a day and a half either side of each clock change.
      const instants: number[] = [];
      let changes = 0;
      for (let i = 0; i < 2_000; i++) instants.push(from + Math.floor(pick.real(0, 730) * DAY));
      for (let day = from; day < from + 730 * DAY; day += DAY) {
        const offset = (ms: number) => DateTime.fromMillis(ms, { zone }).offset;
        if (offset(day) === offset(day + DAY)) continue;
        changes++;
        for (let ms = day - 12 * 3_600_000; ms < day + 36 * 3_600_000; ms += 10 * MIN) instants.push(ms + pick.int(0, 59_999));
      }
      expect(changes).toBe(clockChanges);
      instants.forEach((ms, i) => {
        const days = pick.int(0, 6);
        expect(fast.isWorking(ms)).toBe(slow.isWorking(ms));
        // Same seed on both sides: the answers must match and draw the same random numbers.
        expect(fast.snapToWorking(ms, new Prng(i))).toBe(slow.snapToWorking(ms, new Prng(i)));
        expect(fast.slotAfter(ms, days, new Prng(i))).toBe(slow.slotAfter(ms, days, new Prng(i)));
      });
    });
  }

  it('when an instant falls in the hour London skips in March, then the next working slot is still 07:30 local', () => {
    const t = new LocalTime('Europe/London');
    // Saturday 28 March 2026 23:00 UTC; the clocks go forward at 01:00 UTC on Sunday.
    const at = t.snapToWorking(Date.UTC(2026, 2, 28, 23), { int: () => 0 } as unknown as Prng);
    expect(DateTime.fromMillis(at, { zone: 'Europe/London' }).toFormat('ccc dd HH:mm ZZ')).toBe('Mon 30 07:30 +01:00');
  });
});
