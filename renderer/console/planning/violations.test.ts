import { describe, expect, it } from 'vitest';
import type { WorkOrderDto } from '../../shared/work-orders/queries.js';
import { checkRules, type Crew, type PlannedJob } from './rules.js';
import { toJob } from './model.js';
import { CrewRuleCache } from './violations.js';

// The per-crew cache must give exactly what one checkRules over every job gives, and check again only crews whose jobs changed.
const zone = 'Europe/London';
const shift = { mon: [['07:00', '15:30']], tue: [['07:00', '15:30']], wed: [['07:00', '15:30']] } as never;
const crews = new Map<string, Crew>(['a', 'b', 'c'].map((id) => [id, { shift, skills: new Map([['weld', 2]]) }]));
const ctx = { crews, skillNames: new Map([['weld', 'Welding']]), zone };

function wo(id: string, assigneeId: string | null, start: string, hours: number, extra: Partial<WorkOrderDto> = {}): WorkOrderDto {
  const s = Date.parse(start);
  return {
    id,
    number: `AVM-${id}`,
    assigneeId,
    teamId: null,
    plannedStart: new Date(s).toISOString(),
    plannedEnd: new Date(s + hours * 3_600_000).toISOString(),
    durationMin: hours * 60,
    requiredSkills: [],
    resolutionDueAt: null,
    ...extra,
  } as WorkOrderDto;
}

const all = (list: WorkOrderDto[]) =>
  checkRules(
    list.map(toJob).filter((j): j is PlannedJob => j !== null),
    ctx,
  );

describe('violations, crew by crew', () => {
  const first = [
    wo('1', 'a', '2026-12-01T08:00:00Z', 2),
    wo('2', 'a', '2026-12-01T09:00:00Z', 2), // overlaps 1
    wo('3', 'b', '2026-12-01T14:00:00Z', 4), // past b's shift
    wo('4', 'c', '2026-12-02T08:00:00Z', 1, { requiredSkills: [{ skillId: 'weld', minLevel: 4 }] }),
    wo('5', null, '2026-12-02T08:00:00Z', 3, { resolutionDueAt: '2026-12-02T09:00:00.000Z' }),
  ];

  it('when every crew is checked apart, then the violations equal one check over all jobs', () => {
    const cache = new CrewRuleCache();
    const got = cache.check(first, ctx);
    expect(Object.fromEntries(got)).toEqual(Object.fromEntries(all(first)));
    expect(got.size).toBe(5);
    expect(cache.checked).toBe(4);
  });

  it('when one job moves, then only its crew is checked again, the other crews keep their lists, and the result is still exact', () => {
    const cache = new CrewRuleCache();
    const before = cache.check(first, ctx);
    const moved = wo('2', 'a', '2026-12-01T11:00:00Z', 2); // no longer overlaps 1
    const next = first.map((w) => (w.id === '2' ? moved : w));
    const after = cache.check(next, ctx);
    expect(cache.checked).toBe(1);
    expect(Object.fromEntries(after)).toEqual(Object.fromEntries(all(next)));
    expect(after.has('1')).toBe(false);
    expect(after.get('3')).toBe(before.get('3'));
    expect(after.get('4')).toBe(before.get('4'));
  });

  it('when a job changes crew, then both crews are checked again', () => {
    const cache = new CrewRuleCache();
    cache.check(first, ctx);
    const next = first.map((w) => (w.id === '2' ? { ...w, assigneeId: 'b' } : w));
    const after = cache.check(next, ctx);
    expect(cache.checked).toBe(2);
    expect(Object.fromEntries(after)).toEqual(Object.fromEntries(all(next)));
  });
});
