import { describe, it, expect } from 'vitest';
import { DateTime } from 'luxon';
import { ALWAYS_OPEN, type Calendar } from './contract.js';
import { AT_RISK_FRACTION, SLA_STATES, computeDueTimes, extendForHold, slaState, type SlaWorkOrder } from './engine.js';

const HOUR = 3_600_000;
const LONDON = 'Europe/London';
const at = (local: string): number => DateTime.fromISO(local, { zone: LONDON }).toMillis();
const wall = (ms: number): string => DateTime.fromMillis(ms, { zone: LONDON }).toFormat("ccc yyyy-MM-dd'T'HH:mm");

const day: [string, string][] = [['08:00', '17:00']];
const office: Calendar = {
  timeZone: LONDON,
  workingHours: { mon: day, tue: day, wed: day, thu: day, fri: day },
  holidays: [],
};

describe('computeDueTimes', () => {
  it('when targets start Friday 15:00 on an office calendar, then due and at-risk instants count working hours only', () => {
    const due = computeDueTimes(office, { responseMinutes: 240, resolutionMinutes: 960 }, at('2026-06-12T15:00'));
    expect({
      responseAtRiskAt: wall(due.responseAtRiskAt),
      responseDueAt: wall(due.responseDueAt),
      resolutionAtRiskAt: wall(due.resolutionAtRiskAt),
      resolutionDueAt: wall(due.resolutionDueAt),
    }).toEqual({
      responseAtRiskAt: 'Mon 2026-06-15T09:00', // 3 h of 4 h: 2 h Friday, 1 h Monday
      responseDueAt: 'Mon 2026-06-15T10:00',
      resolutionAtRiskAt: 'Tue 2026-06-16T09:00', // 12 h of 16 h: 2 + 9 + 1
      resolutionDueAt: 'Tue 2026-06-16T13:00',
    });
  });

  it('when no calendar is configured (ALWAYS_OPEN), then targets are plain elapsed time', () => {
    const start = Date.UTC(2026, 2, 7, 12);
    expect(computeDueTimes(ALWAYS_OPEN, { responseMinutes: 60, resolutionMinutes: 1440 }, start)).toEqual({
      responseDueAt: start + HOUR,
      responseAtRiskAt: start + AT_RISK_FRACTION * HOUR,
      resolutionDueAt: start + 24 * HOUR,
      resolutionAtRiskAt: start + 18 * HOUR,
    });
  });

  it('when a target is negative or not a number, then a RangeError is thrown', () => {
    expect(() => computeDueTimes(office, { responseMinutes: -1, resolutionMinutes: 60 }, 0)).toThrow(RangeError);
    expect(() => computeDueTimes(office, { responseMinutes: 60, resolutionMinutes: Number.NaN }, 0)).toThrow(/resolutionMinutes/);
  });
});

describe('extendForHold', () => {
  // From computeDueTimes above: resolution at risk Tue 09:00, due Tue 13:00.
  const resolution = { resolutionAtRiskAt: at('2026-06-16T09:00'), resolutionDueAt: at('2026-06-16T13:00') };

  it('when held Monday 10:00 and resumed Wednesday 10:00, then the remaining business time restarts at resumption', () => {
    const out = extendForHold(office, { ...resolution, heldAtMs: at('2026-06-15T10:00'), resumedAtMs: at('2026-06-17T10:00') });
    expect(wall(out.resolutionAtRiskAt)).toBe('Thu 2026-06-18T09:00'); // 8 h left: 7 h Wed, 1 h Thu
    expect(wall(out.resolutionDueAt)).toBe('Thu 2026-06-18T13:00'); // 12 h left: 7 h Wed, 5 h Thu
    expect(out.pausedBusinessMs).toBe(18 * HOUR); // 7 h Mon + 9 h Tue + 2 h Wed
  });

  it('when resumed outside working hours, then the remaining time restarts at the next opening', () => {
    const out = extendForHold(office, { ...resolution, heldAtMs: at('2026-06-16T12:00'), resumedAtMs: at('2026-06-20T10:00') });
    expect(wall(out.resolutionDueAt)).toBe('Mon 2026-06-22T09:00');
    expect(out.pausedBusinessMs).toBe(5 * HOUR + 27 * HOUR);
  });

  it('when at-risk was already reached when held, then the order is at risk again from resumption', () => {
    const out = extendForHold(office, { ...resolution, heldAtMs: at('2026-06-16T10:00'), resumedAtMs: at('2026-06-16T15:00') });
    expect(wall(out.resolutionAtRiskAt)).toBe('Tue 2026-06-16T15:00');
    expect(wall(out.resolutionDueAt)).toBe('Wed 2026-06-17T09:00'); // 3 h left: 2 h Tue, 1 h Wed
  });

  it('when the order was already breached when held, then the due and at-risk instants do not move', () => {
    const out = extendForHold(office, { ...resolution, heldAtMs: at('2026-06-16T14:00'), resumedAtMs: at('2026-06-17T10:00') });
    expect(out).toEqual({ ...resolution, pausedBusinessMs: 3 * HOUR + 2 * HOUR });
  });

  it('when the hold has no length, then nothing moves', () => {
    const t = at('2026-06-15T10:00');
    expect(extendForHold(office, { ...resolution, heldAtMs: t, resumedAtMs: t })).toEqual({ ...resolution, pausedBusinessMs: 0 });
  });

  it('when resumption is before the hold, then a RangeError is thrown', () => {
    const t = at('2026-06-15T10:00');
    expect(() => extendForHold(office, { ...resolution, heldAtMs: t, resumedAtMs: t - 1 })).toThrow(RangeError);
  });
});

describe('slaState', () => {
  const T = Date.UTC(2026, 5, 15, 12);
  const open: SlaWorkOrder = {
    status: 'DISPATCHED',
    responseAtRiskAt: T + 3 * HOUR,
    responseDueAt: T + 4 * HOUR,
    resolutionAtRiskAt: T + 12 * HOUR,
    resolutionDueAt: T + 16 * HOUR,
    respondedAt: null,
    completedAt: null,
    onHoldSince: null,
  };
  const responded = { ...open, status: 'ON_SITE', respondedAt: T + 2 * HOUR } as const;

  it('when the order is cancelled or has no due times, then there is no state', () => {
    expect(slaState({ ...open, status: 'CANCELLED' }, T)).toBeNull();
    expect(slaState({ ...open, responseDueAt: null, resolutionDueAt: null }, T)).toBeNull();
  });

  it('when no threshold is reached, then it is ok', () => {
    expect(slaState(open, T)).toBe('ok');
    expect(slaState(responded, T + 5 * HOUR)).toBe('ok');
  });

  it('when the response at-risk instant is reached without a response, then it is at risk', () => {
    expect(slaState(open, T + 3 * HOUR)).toBe('at_risk');
    expect(slaState(open, T + 4 * HOUR)).toBe('at_risk'); // breached only after the due instant
  });

  it('when the resolution at-risk instant is reached, then it is at risk even after responding', () => {
    expect(slaState(responded, T + 12 * HOUR)).toBe('at_risk');
    expect(slaState(responded, T + 16 * HOUR)).toBe('at_risk');
  });

  it('when a due instant has passed, or the response came late, then it is breached', () => {
    expect(slaState(open, T + 4 * HOUR + 1)).toBe('breached');
    expect(slaState(responded, T + 16 * HOUR + 1)).toBe('breached');
    expect(slaState({ ...responded, respondedAt: T + 5 * HOUR }, T + 5 * HOUR)).toBe('breached');
  });

  it('when the order is on hold, then its state is frozen at the moment it was held', () => {
    const held = { ...responded, status: 'ON_HOLD', onHoldSince: T + 6 * HOUR } as const;
    expect(slaState(held, T + 100 * HOUR)).toBe('ok');
    expect(slaState({ ...held, onHoldSince: T + 13 * HOUR }, T + 100 * HOUR)).toBe('at_risk');
    expect(slaState({ ...held, respondedAt: null, onHoldSince: T + 5 * HOUR }, T + 5 * HOUR)).toBe('breached');
  });

  it('when completed or closed within both targets, then it is met', () => {
    const done = { ...responded, status: 'COMPLETED', completedAt: T + 16 * HOUR } as const;
    expect(slaState(done, T + 100 * HOUR)).toBe('met');
    expect(slaState({ ...done, status: 'CLOSED' }, T + 100 * HOUR)).toBe('met');
    expect(slaState({ ...done, respondedAt: null }, T + 100 * HOUR)).toBe('met');
  });

  it('when completed late or responded late, then it is breached', () => {
    const done = { ...responded, status: 'CLOSED', completedAt: T + 16 * HOUR + 1 } as const;
    expect(slaState(done, T + 100 * HOUR)).toBe('breached');
    expect(slaState({ ...done, completedAt: T + HOUR, respondedAt: T + 4 * HOUR + 1 }, T)).toBe('breached');
  });

  it('when computed due times age with the clock, then the state walks ok → at_risk → breached and SLA_STATES names it', () => {
    const start = at('2026-06-12T15:00');
    const due = computeDueTimes(office, { responseMinutes: 240, resolutionMinutes: 960 }, start);
    const wo: SlaWorkOrder = { ...open, ...due, respondedAt: at('2026-06-12T16:00') };
    const states = ['2026-06-15T08:00', '2026-06-16T09:00', '2026-06-16T13:01'].map((t) => slaState(wo, at(t)));
    expect(states).toEqual(['ok', 'at_risk', 'breached']);
    expect(SLA_STATES).toEqual(['ok', 'at_risk', 'breached', 'met']);
  });
});
