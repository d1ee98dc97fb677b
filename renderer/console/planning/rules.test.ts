import { describe, expect, it } from 'vitest';
import { checkRules, shiftIntervals, withinShift, type Crew, type PlannedJob } from './rules.js';
import { labelsFor, rangeOf, timeMap } from './timeline.js';

// Pure planning rules (rules.ts, timeline.ts): no DOM, so vitest runs them under Node beside the code (vitest.config.ts collects renderer/**/*.test.ts).
const zone = 'Europe/London';
const at = (iso: string) => Date.parse(iso);
const weekdays = {
  mon: [['07:00', '15:30']],
  tue: [['07:00', '15:30']],
  wed: [['07:00', '15:30']],
  thu: [['07:00', '15:30']],
  fri: [['07:00', '15:30']],
  sun: [['00:00', '24:00']],
} as never;

function job(id: string, start: string, end: string, extra: Partial<PlannedJob> = {}): PlannedJob {
  return {
    id,
    number: `AVM-${id}`,
    assigneeId: 'tech',
    start: at(start),
    end: at(end),
    requiredSkills: [],
    resolutionDueAt: null,
    ...extra,
  };
}
const crews = new Map<string, Crew>([['tech', { shift: weekdays, skills: new Map([['weld', 2]]) }]]);
const ctx = {
  crews,
  skillNames: new Map([
    ['weld', 'Welding'],
    ['hv', 'HV switching'],
  ]),
  zone,
};

describe('planning rules', () => {
  it('when two jobs of one technician overlap, then both are marked double-booked; touching jobs are not', () => {
    const v = checkRules(
      [
        job('a', '2026-06-02T08:00Z', '2026-06-02T10:00Z'),
        job('b', '2026-06-02T09:00Z', '2026-06-02T11:00Z'),
        job('c', '2026-06-02T11:00Z', '2026-06-02T12:00Z'),
      ],
      ctx,
    );
    expect(v.get('a')?.map((x) => x.kind)).toEqual(['double_booking']);
    expect(v.get('b')?.[0]).toMatchObject({ kind: 'double_booking', otherId: 'a', message: 'Double-booked with AVM-a' });
    expect(v.get('c')).toBeUndefined();
  });

  it('when the technician lacks a required skill level, then the job says which', () => {
    const v = checkRules(
      [
        job('a', '2026-06-02T08:00Z', '2026-06-02T09:00Z', {
          requiredSkills: [
            { skillId: 'weld', minLevel: 3 },
            { skillId: 'hv', minLevel: 1 },
          ],
        }),
      ],
      ctx,
    );
    expect(v.get('a')).toEqual([{ kind: 'skills', workOrderId: 'a', message: 'Missing skills: Welding ≥ 3, HV switching ≥ 1' }]);
  });

  it('when a job is planned past the SLA resolution due time, then it is flagged', () => {
    const v = checkRules([job('a', '2026-06-02T08:00Z', '2026-06-02T10:00Z', { resolutionDueAt: at('2026-06-02T09:00Z') })], ctx);
    expect(v.get('a')?.map((x) => x.kind)).toEqual(['sla']);
  });

  it('when shifts are wall-clock hours in the depot zone, then they hold in GMT and in BST', () => {
    // 07:00–15:30 London: 07:00Z in winter, 06:00Z in summer.
    expect(withinShift(weekdays, zone, at('2026-01-13T07:00Z'), at('2026-01-13T15:30Z'))).toBe(true);
    expect(withinShift(weekdays, zone, at('2026-01-13T06:30Z'), at('2026-01-13T08:00Z'))).toBe(false);
    expect(withinShift(weekdays, zone, at('2026-06-02T06:00Z'), at('2026-06-02T14:30Z'))).toBe(true);
    expect(withinShift(weekdays, zone, at('2026-06-02T14:00Z'), at('2026-06-02T15:00Z'))).toBe(false);
    expect(withinShift(weekdays, zone, at('2026-06-06T09:00Z'), at('2026-06-06T10:00Z'))).toBe(false); // Saturday off
    expect(withinShift(null, zone, 0, 1)).toBe(true);
  });

  it('when the clocks change on a Sunday, then a 24-hour shift covers the 23- and 25-hour days', () => {
    // 29 Mar 2026 (spring forward) is 23 h long; 25 Oct 2026 (fall back) is 25 h long.
    const spring = shiftIntervals(weekdays, zone, at('2026-03-29T00:00Z'), at('2026-03-29T12:00Z')).find(
      ([a]) => a === at('2026-03-29T00:00Z'),
    );
    expect(spring?.[1]).toBe(at('2026-03-29T23:00Z')); // 23 h: Monday starts at 00:00 BST
    const fall = shiftIntervals(weekdays, zone, at('2026-10-25T00:00Z'), at('2026-10-25T12:00Z')).find(
      ([a]) => a === at('2026-10-24T23:00Z'),
    );
    expect(fall?.[1]).toBe(at('2026-10-26T00:00Z')); // 25 h: Monday starts at 00:00 GMT
    expect(withinShift(weekdays, zone, at('2026-10-25T00:30Z'), at('2026-10-25T01:30Z'))).toBe(true); // the repeated 01:00 hour
  });

  it('when a job runs past the end of the shift or on a day off, then it is outside the shift; a job without an assignee is only checked against its SLA', () => {
    const v = checkRules(
      [
        job('late', '2026-06-02T13:00Z', '2026-06-02T15:00Z'), // 14:00–16:00 BST, shift ends 15:30
        job('sat', '2026-06-06T08:00Z', '2026-06-06T09:00Z'),
        job('ok', '2026-06-03T07:00Z', '2026-06-03T09:00Z'),
        job('team', '2026-06-06T08:00Z', '2026-06-06T09:00Z', { assigneeId: null }),
      ],
      ctx,
    );
    expect(v.get('late')?.map((x) => x.kind)).toEqual(['shift']);
    expect(v.get('late')?.[0]?.message).toBe("Outside the crew's shift (Tue 2 Jun 14:00–16:00)");
    expect(v.get('sat')?.map((x) => x.kind)).toEqual(['shift']);
    expect(v.get('ok')).toBeUndefined();
    expect(v.get('team')).toBeUndefined();
  });

  it('when a technician has 2,000 jobs, then the check stays fast', () => {
    const many = Array.from({ length: 2000 }, (_, i) =>
      job(
        String(i),
        new Date(at('2026-06-01T00:00Z') + i * 3_600_000).toISOString(),
        new Date(at('2026-06-01T00:00Z') + i * 3_600_000 + 3_000_000).toISOString(),
      ),
    );
    const t0 = performance.now();
    checkRules(many, ctx);
    expect(performance.now() - t0).toBeLessThan(1000);
  });
});

// Run also with TZ=Europe/London (or any DST zone): the browser's own zone must not matter.
describe('planning time axis (renderer/console/planning/timeline.ts)', () => {
  const hours = (fromDate: string) => {
    const r = rangeOf(fromDate, fromDate, zone);
    const map = timeMap(r);
    const label = labelsFor('Day', zone, map).lower;
    const cols: string[] = [];
    // Columns the way frappe-gantt steps them: local wall-clock hours from the first display date.
    const first = map.toDisplay(r.from);
    for (let i = 0; map.fromDisplay(new Date(first.getFullYear(), first.getMonth(), first.getDate(), first.getHours() + i)) < r.to; i++) {
      cols.push(label(new Date(first.getFullYear(), first.getMonth(), first.getDate(), first.getHours() + i)));
    }
    return cols;
  };

  it('when the clocks go forward, then the Day view has 23 real hours and no 01:00 column', () => {
    expect(hours('2026-03-29').slice(0, 4)).toEqual(['00', '02', '03', '04']);
    expect(hours('2026-03-29')).toHaveLength(23);
  });

  it('when the clocks go back, then the Day view has 25 real hours with 01:00 twice', () => {
    expect(hours('2026-10-25').slice(0, 4)).toEqual(['00', '01', '01', '02']);
    expect(hours('2026-10-25')).toHaveLength(25);
  });

  it('when a time goes to the chart and back, then it is unchanged, and chart distance is elapsed time', () => {
    const map = timeMap(rangeOf('2026-03-23', '2026-04-05', zone));
    for (const iso of ['2026-03-29T00:59:59Z', '2026-03-29T01:30:00Z', '2026-03-29T02:30:00Z', '2026-03-22T09:15:00Z']) {
      expect(new Date(map.fromDisplay(map.toDisplay(at(iso)))).toISOString()).toBe(new Date(iso).toISOString());
    }
    const a = map.toDisplay(at('2026-03-29T00:00Z'));
    const b = map.toDisplay(at('2026-03-29T03:00Z'));
    expect(b.getTime() - a.getTime()).toBe(3 * 3_600_000);
    expect(b.getTimezoneOffset()).toBe(a.getTimezoneOffset()); // wall-clock arithmetic is elapsed time there
  });
});
