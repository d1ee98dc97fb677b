import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHost, type TestHost } from '../testing/harness.js';
import { createVia, move, seedWorld, type World } from './fixtures.js';
import { transitionWorkOrder } from './service.js';
import { withoutCensus } from '../testing/write-census.js';

// Policy in the fixtures: corrective/high → respond within 2 business hours, resolve within 8,
// on a Mon–Fri 09:00–17:00 UTC calendar. 2026-11-16 is a Monday.
let t: TestHost;
let w: World;

beforeAll(async () => {
  t = await startTestHost({ now: '2026-11-16T10:00:00Z' });
  w = await seedWorld(t);
});
afterAll(() => t.close());

const HOUR = 3_600_000;

async function stateOf(id: string) {
  return (await t.api('GET', `/api/v1/work-orders/${id}`, { token: w.tokens.viewer })).body.slaState as string | null;
}

async function listedIds(query: string) {
  const res = await t.api('GET', `/api/v1/work-orders?limit=500&${query}`, { token: w.tokens.viewer });
  expect(res.status).toBe(200);
  return (res.body.items as { id: string }[]).map((i) => i.id);
}

describe('SLA due times', () => {
  it('when work is created Monday 10:00, then due times count business hours of the policy calendar', async () => {
    t.clock.set('2026-11-16T10:00:00Z');
    const wo = await createVia(t, w, {});
    expect(wo).toMatchObject({
      slaPolicyId: expect.any(String),
      responseAtRiskAt: '2026-11-16T11:30:00.000Z',
      responseDueAt: '2026-11-16T12:00:00.000Z',
      resolutionAtRiskAt: '2026-11-16T16:00:00.000Z',
      resolutionDueAt: '2026-11-17T10:00:00.000Z',
      slaState: 'ok',
    });
  });

  it('when work is created Friday 16:00, then the weekend does not count', async () => {
    t.clock.set('2026-11-20T16:00:00Z');
    const wo = await createVia(t, w, {});
    expect(wo.responseDueAt).toBe('2026-11-23T10:00:00.000Z');
    expect(wo.resolutionDueAt).toBe('2026-11-23T16:00:00.000Z');
  });

  it('when no policy matches, then there are no due times and no SLA state', async () => {
    const wo = await createVia(t, w, { priority: 'low' });
    expect(wo).toMatchObject({ slaPolicyId: null, responseDueAt: null, resolutionDueAt: null, slaState: null });
  });

  it('when the policy has no calendar, then every hour counts', async () => {
    t.clock.set('2026-11-21T22:00:00Z'); // a Saturday night
    const wo = await createVia(t, w, { type: 'emergency', priority: 'critical' });
    expect(wo.responseDueAt).toBe('2026-11-21T23:00:00.000Z');
    expect(wo.resolutionDueAt).toBe('2026-11-22T02:00:00.000Z');
  });

  it('when the priority is raised later, then due times are recomputed from the creation time', async () => {
    t.clock.set('2026-11-16T10:00:00Z');
    const wo = await createVia(t, w, { priority: 'medium' });
    expect(wo.resolutionDueAt).toBeNull();
    t.clock.set('2026-11-16T14:00:00Z');
    const res = await t.api('PATCH', `/api/v1/work-orders/${wo.id}`, { token: w.tokens.dispatcher, body: { priority: 'high' } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      responseDueAt: '2026-11-16T12:00:00.000Z',
      resolutionDueAt: '2026-11-17T10:00:00.000Z',
      slaState: 'breached',
    });
  });
});

describe('SLA states over a pinned clock', () => {
  it('when time passes without a response, then ok → at_risk → breached, in the item and in the filter', async () => {
    t.clock.set('2026-11-16T10:00:00Z');
    const wo = await createVia(t, w, {});
    const checks: [string, string][] = [
      ['2026-11-16T11:00:00Z', 'ok'],
      ['2026-11-16T11:30:00Z', 'at_risk'],
      ['2026-11-16T12:00:00Z', 'at_risk'],
      ['2026-11-16T12:00:01Z', 'breached'],
    ];
    for (const [at, state] of checks) {
      t.clock.set(at);
      expect(await stateOf(wo.id), at).toBe(state);
      expect(await listedIds(`slaState=${state}`), at).toContain(wo.id);
      for (const other of ['ok', 'at_risk', 'breached', 'met'].filter((s) => s !== state)) {
        expect(await listedIds(`slaState=${other}`), `${at} ${other}`).not.toContain(wo.id);
      }
    }
  });

  it('when the crew arrives and finishes in time, then the state is met; finishing late is breached', async () => {
    t.clock.set('2026-11-16T10:00:00Z');
    const onTime = await createVia(t, w, { assigneeId: w.people.tech1, plannedStart: '2026-11-16T10:30:00Z' });
    const late = await createVia(t, w, { assigneeId: w.people.tech1, plannedStart: '2026-11-16T10:30:00Z' });
    for (const to of ['SCHEDULED', 'DISPATCHED', 'EN_ROUTE', 'ON_SITE'] as const) {
      transitionWorkOrder(w.ctx, onTime.id, { to });
      transitionWorkOrder(w.ctx, late.id, { to });
    }
    t.clock.set('2026-11-16T15:00:00Z');
    transitionWorkOrder(w.ctx, onTime.id, { to: 'COMPLETED' });
    t.clock.set('2026-11-17T11:00:00Z');
    transitionWorkOrder(w.ctx, late.id, { to: 'COMPLETED' });
    t.clock.set('2026-11-25T11:00:00Z');
    expect(await stateOf(onTime.id)).toBe('met');
    expect(await stateOf(late.id)).toBe('breached');
    expect(await listedIds('slaState=met')).toContain(onTime.id);
    expect(await listedIds('slaState=breached')).toContain(late.id);
  });

  it('when work is on hold, then its state is frozen and the resolution due time moves by the held business time', async () => {
    t.clock.set('2026-11-16T10:00:00Z');
    const wo = await createVia(t, w, { assigneeId: w.people.tech1, teamId: w.teams.alpha, plannedStart: '2026-11-16T10:30:00Z' });
    for (const to of ['SCHEDULED', 'DISPATCHED', 'EN_ROUTE'] as const) transitionWorkOrder(w.ctx, wo.id, { to });
    t.clock.set('2026-11-16T11:00:00Z');
    expect((await move(t, w.tokens.tech1, wo.id, 'ON_SITE')).status).toBe(200);
    t.clock.set('2026-11-16T13:00:00Z');
    expect((await move(t, w.tokens.tech1, wo.id, 'ON_HOLD', { reason: 'customer not home' })).body.onHoldSince).toBe(
      '2026-11-16T13:00:00.000Z',
    );

    // Past the original resolution due time (Tue 10:00), yet judged as of the hold: still ok.
    t.clock.set('2026-11-17T12:00:00Z');
    expect(await stateOf(wo.id)).toBe('ok');
    expect(await listedIds('slaState=ok')).toContain(wo.id);

    // Held Mon 13–17 and Tue 09–13: 8 business hours, so due moves from Tue 10:00 to Wed 10:00.
    t.clock.set('2026-11-17T13:00:00Z');
    const resumed = await move(t, w.tokens.tech1, wo.id, 'ON_SITE');
    expect(resumed.body).toMatchObject({
      status: 'ON_SITE',
      onHoldSince: null,
      slaPausedMs: 8 * HOUR,
      resolutionDueAt: '2026-11-18T10:00:00.000Z',
      resolutionAtRiskAt: '2026-11-17T16:00:00.000Z',
      responseDueAt: '2026-11-16T12:00:00.000Z',
      slaState: 'ok',
    });
    t.clock.set('2026-11-18T10:00:01Z');
    expect(await stateOf(wo.id)).toBe('breached');
  });

  it('when cancelled, then the work has no SLA state and matches no state filter', async () => {
    t.clock.set('2026-11-16T10:00:00Z');
    const wo = await createVia(t, w, {});
    expect((await move(t, w.tokens.dispatcher, wo.id, 'CANCELLED')).body.slaState).toBeNull();
    for (const s of ['ok', 'at_risk', 'breached', 'met']) expect(await listedIds(`slaState=${s}`)).not.toContain(wo.id);
  });
  it('when an admin changes the calendar, then new work counts the new hours at once; a calendar damaged in storage is refused', async () => {
    const path = `/api/v1/sla/calendars/${w.calendar}`;
    const original = (await t.api('GET', path, { token: w.tokens.admin })).body as { workingHours: Record<string, unknown> };
    const opensAt8 = { ...original.workingHours, mon: [['08:00', '17:00']] };
    expect((await t.api('PATCH', path, { token: w.tokens.admin, body: { workingHours: opensAt8 } })).status).toBe(200);
    try {
      t.clock.set('2026-11-16T08:00:00Z');
      expect((await createVia(t, w, {})).responseDueAt).toBe('2026-11-16T10:00:00.000Z');

      const holidays = t.host.sqlite.prepare('SELECT holidays FROM sla_calendars WHERE id = ?').pluck().get(w.calendar) as string;
      const store = (text: string) =>
        withoutCensus(t.host.sqlite, 'a calendar damaged in storage, as a bad restore could leave it', () =>
          t.host.sqlite.prepare('UPDATE sla_calendars SET holidays = ? WHERE id = ?').run(text, w.calendar),
        );
      store('[{"date":"2026-02-30","name":"no such day"}]');
      try {
        const refused = await t.api('POST', '/api/v1/work-orders', {
          token: w.tokens.dispatcher,
          body: { title: 'Leaking valve', type: 'corrective', priority: 'high' },
        });
        expect(refused.status).toBe(409);
        expect(refused.body.code).toBe('invalid_sla_calendar');
      } finally {
        store(holidays);
      }
    } finally {
      expect((await t.api('PATCH', path, { token: w.tokens.admin, body: { workingHours: original.workingHours } })).status).toBe(200);
    }
  });
});
