import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { users } from '../../../db/schema/index.js';
import { mutate } from '../../core/mutate.js';
import { startTestHost, type TestHost } from '../../testing/harness.js';
import { seedWorld, type World } from '../../work-orders/fixtures.js';
import { createWorkOrder, decideClosure, transitionWorkOrder } from '../../work-orders/service.js';
import type { CreateWorkOrderInput } from '../../work-orders/contract.js';
import type { WorkOrderStatus } from '../../../db/schema/index.js';
import type { KpiFilters, KpiReport } from '../kpi-types.js';
import { computeKpis } from './index.js';

/**
 * A hand-built week around the end of British Summer Time (Sunday 25 October 2026: that local day
 * is 25 hours long). Emergency/critical work runs on an always-open SLA: respond in 60 min, resolve
 * in 240 min. Every number below is worked out by hand in the comments.
 */

const Z = (s: string) => Date.parse(s);
const FROM = Z('2026-10-24T23:00:00Z'); // Sunday 25 Oct 00:00 BST
const TO = Z('2026-10-28T00:00:00Z'); // Wednesday 28 Oct 00:00 GMT
const NOW = Z('2026-10-28T12:00:00Z');

let t: TestHost;
let world: World;
let other: World;
const ids: Record<string, string> = {};

function at<T>(iso: string, f: () => T): T {
  t.clock.set(iso);
  return f();
}
const create = (iso: string, input: Partial<CreateWorkOrderInput>) =>
  at(
    iso,
    () =>
      createWorkOrder(world.ctx, {
        title: 'Burst main',
        type: 'emergency',
        priority: 'critical',
        teamId: world.teams.alpha,
        assigneeId: world.people.tech1,
        ...input,
      }).id,
  );
const go = (iso: string, id: string, to: WorkOrderStatus, reason?: string) =>
  at(iso, () => transitionWorkOrder(world.ctx, id, { to, ...(reason ? { reason } : {}) }));
const toSite = (iso: string, id: string) =>
  ['SCHEDULED', 'DISPATCHED', 'EN_ROUTE', 'ON_SITE'].forEach((s) => go(iso, id, s as WorkOrderStatus));

function kpis(filters: KpiFilters = {}, period: { from: number; to: number } = { from: FROM, to: TO }, orgId = world.orgId): KpiReport {
  return computeKpis(t.host.sqlite, { orgId, ...period, filters, zone: 'Europe/London', now: NOW });
}

beforeAll(async () => {
  t = await startTestHost({ now: '2026-10-20T00:00:00Z' });
  world = await seedWorld(t);
  other = await seedWorld(t, 'Elsewhere');
  const everyDay = Object.fromEntries(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((d) => [d, [['08:00', '16:00']]]));
  const weekdays = Object.fromEntries(['mon', 'tue', 'wed', 'thu', 'fri'].map((d) => [d, [['08:00', '16:00']]]));
  mutate(world.ctx, 'test.shifts', (w) => {
    w.update(users, world.people.tech1, { shift: everyDay });
    w.update(users, world.people.tech2, { shift: weekdays });
  });

  // W0: before the period, never touched: in the backlog, and overdue (resolution due Sat 14:00).
  ids.w0 = create('2026-10-24T10:00:00Z', { teamId: undefined, assigneeId: undefined, title: 'Old leak' });
  // A: created 23:30Z on Sunday (still Sunday in London after the change; Monday under BST), on the
  // pump, on site after 30 min, 1 h on hold, completed after 3 h: repair 2 h, actual 90 min of 180.
  ids.a = create('2026-10-25T23:30:00Z', {
    assetId: world.asset,
    locationId: world.loc1,
    plannedStart: '2026-10-26T00:00:00Z',
    plannedEnd: '2026-10-26T03:00:00Z',
    durationMin: 180,
  });
  toSite('2026-10-26T00:00:00Z', ids.a);
  go('2026-10-26T00:30:00Z', ids.a, 'ON_HOLD', 'waiting for parts');
  go('2026-10-26T01:30:00Z', ids.a, 'ON_SITE');
  go('2026-10-26T02:30:00Z', ids.a, 'COMPLETED');
  at('2026-10-26T03:00:00Z', () => decideClosure(world.ctx, ids.a!, { decision: 'approved' }));
  // B: responded 1 h late, completed, closure rejected, completed again 1 h after its 12:00 due time.
  ids.b = create('2026-10-26T08:00:00Z', {
    locationId: world.loc1,
    plannedStart: '2026-10-26T08:30:00Z',
    plannedEnd: '2026-10-26T09:30:00Z',
    durationMin: 60,
  });
  toSite('2026-10-26T10:00:00Z', ids.b);
  go('2026-10-26T11:00:00Z', ids.b, 'COMPLETED');
  at('2026-10-26T12:00:00Z', () => decideClosure(world.ctx, ids.b!, { decision: 'rejected', comment: 'Leak persists' }));
  go('2026-10-26T12:10:00Z', ids.b, 'EN_ROUTE');
  go('2026-10-26T12:20:00Z', ids.b, 'ON_SITE');
  go('2026-10-26T13:00:00Z', ids.b, 'COMPLETED');
  at('2026-10-26T14:00:00Z', () => decideClosure(world.ctx, ids.b!, { decision: 'approved' }));
  // D: preventive (no SLA), team Bravo, done in 20 min of a planned hour, on time.
  ids.d = create('2026-10-26T09:00:00Z', {
    type: 'preventive',
    priority: 'low',
    teamId: world.teams.bravo,
    assigneeId: world.people.tech2,
    locationId: world.loc2,
    plannedStart: '2026-10-26T10:00:00Z',
    plannedEnd: '2026-10-26T11:00:00Z',
    durationMin: 60,
  });
  toSite('2026-10-26T10:00:00Z', ids.d);
  go('2026-10-26T10:20:00Z', ids.d, 'COMPLETED');
  // C: the pump fails again (a follow-up to A within 30 days); never answered; on hold before its
  // 13:00 resolution due time, so not overdue and not a resolution miss.
  ids.c = create('2026-10-27T09:00:00Z', {
    assetId: world.asset,
    locationId: world.loc1,
    plannedStart: '2026-10-27T14:00:00Z',
    plannedEnd: '2026-10-27T15:00:00Z',
    durationMin: 60,
  });
  go('2026-10-27T11:00:00Z', ids.c, 'SCHEDULED');
  go('2026-10-27T12:00:00Z', ids.c, 'ON_HOLD', 'waiting for access');
  // E: cancelled before anyone went: counts as cancelled, in no SLA ratio.
  ids.e = create('2026-10-27T10:00:00Z', { plannedStart: '2026-10-27T12:00:00Z', plannedEnd: '2026-10-27T13:00:00Z' });
  go('2026-10-27T11:00:00Z', ids.e, 'CANCELLED');
  // Another org's busy day in the same period: must never show up.
  for (let i = 0; i < 3; i++) {
    const id = at(
      '2026-10-26T08:00:00Z',
      () =>
        createWorkOrder(other.ctx, {
          title: 'Theirs',
          type: 'emergency',
          priority: 'critical',
          teamId: other.teams.alpha,
          assigneeId: other.people.tech1,
          plannedStart: '2026-10-26T09:00:00Z',
        }).id,
    );
    for (const s of ['SCHEDULED', 'DISPATCHED', 'EN_ROUTE', 'ON_SITE', 'COMPLETED'] as WorkOrderStatus[])
      at('2026-10-26T09:00:00Z', () => transitionWorkOrder(other.ctx, id, { to: s }));
  }
  t.clock.set(NOW);
});

afterAll(async () => {
  await t.services.kpi.close();
  await t.close();
});

const r = (numerator: number, denominator: number) => ({ numerator, denominator, value: denominator ? numerator / denominator : null });

describe('computeKpis', () => {
  it('when the period holds the hand-built week, then every summary KPI has its known value', () => {
    const s = kpis().summary;
    expect(s.created).toBe(5); // A B C D E
    expect(s.completed).toBe(3); // A B D
    expect(s.cancelled).toBe(1); // E
    expect(s.backlog).toBe(2); // W0, C (on hold)
    expect(s.backlogAgeMeanH).toBeCloseTo((86 + 15) / 2, 9);
    expect(s.backlogAgeMaxH).toBeCloseTo(86, 9);
    expect(s.onTime).toEqual(r(2, 3)); // A by 03:00, D by 11:00; B ended after 09:30
    expect(s.slaResponse).toEqual(r(1, 3)); // A met; B late; C unanswered past 10:00 (E cancelled, D no SLA)
    expect(s.slaResolution).toEqual(r(1, 2)); // A met (due moved out by its hold); B late; C held before due
    expect(s.mttrRespondH).toBeCloseTo((0.5 + 2 + 1) / 3, 9);
    expect(s.mttrRepairH).toBeCloseTo((2 + 5 + 4 / 3) / 3, 9); // hold hour excluded from A
    expect(s.firstTimeFix).toEqual(r(1, 3)); // D only: A has a follow-up on the pump, B was rejected
    expect(s.overdue).toBe(1); // W0
    expect(s.plannedMin).toBe(180 + 60 + 60);
    expect(s.actualMin).toBe(90 + (60 + 40) + 20); // B: an hour on site, then 40 min on its return after the rejection
    // tech1 works 08-16 every day (Sun, Mon, Tue = 1440 min), tech2 weekdays (Mon, Tue = 960 min);
    // in shift: B 60 + C 60 (A is at night, E cancelled) + D 60.
    expect(s.utilisation).toEqual(r(180, 2400));
  });

  it('when grouped by team, technician and type, then the rows split the same work', () => {
    const rep = kpis();
    const alpha = rep.byDimension.team.find((x) => x.key === world.teams.alpha)!;
    const bravo = rep.byDimension.team.find((x) => x.key === world.teams.bravo)!;
    expect([alpha.label, alpha.created, alpha.completed, alpha.cancelled, alpha.backlog]).toEqual(['Alpha', 4, 2, 1, 1]);
    expect(alpha.utilisation).toEqual(r(120, 1440));
    expect([bravo.created, bravo.completed, bravo.onTime, bravo.utilisation]).toEqual([1, 1, r(1, 1), r(60, 960)]);
    const none = rep.byDimension.team.find((x) => x.key === '(none)')!;
    expect([none.label, none.backlog, none.overdue]).toEqual(['No team', 1, 1]);
    const tech1 = rep.byDimension.technician.find((x) => x.key === world.people.tech1)!;
    expect([tech1.label, tech1.completed, tech1.slaResponse]).toEqual(['tech1 of Riverside', 2, r(1, 3)]);
    expect(rep.byDimension.type.map((x) => [x.key, x.label, x.created])).toEqual([
      ['emergency', 'Emergency', 4],
      ['preventive', 'Preventive', 1],
    ]);
    expect(rep.byDimension.asset.find((x) => x.key === world.asset)!.created).toBe(2);
  });

  it('when the week contains the DST change, then days are local (25 h Sunday) and weeks start on Monday', () => {
    const rep = kpis();
    expect(rep.daily.map((p) => new Date(p.at).toISOString())).toEqual([
      '2026-10-24T23:00:00.000Z',
      '2026-10-26T00:00:00.000Z',
      '2026-10-27T00:00:00.000Z',
    ]);
    expect(rep.daily.map((p) => [p.created, p.completed, p.backlog])).toEqual([
      [1, 0, 2],
      [2, 3, 1],
      [2, 0, 2],
    ]);
    expect(rep.daily.map((p) => p.slaResolution)).toEqual([r(0, 0), r(1, 2), r(0, 0)]);
    expect(rep.weekly.map((p) => new Date(p.at).toISOString())).toEqual(['2026-10-18T23:00:00.000Z', '2026-10-26T00:00:00.000Z']);
    expect(rep.weekly.map((p) => [p.created, p.completed, p.backlog])).toEqual([
      [1, 0, 2],
      [4, 3, 2],
    ]);
  });

  it('when SLAs were missed, then the breached list says which, by how much and why', () => {
    const rep = kpis();
    expect(rep.breachedTotal).toBe(3);
    expect(rep.breached.map((b) => [b.id, b.kind, b.lateByMin, b.metAt === null, b.reasons])).toEqual([
      [ids.c, 'response', 26 * 60, true, ['On hold: waiting for access']],
      [ids.b, 'resolution', 60, false, ['Closure rejected: Leak persists']],
      [ids.b, 'response', 60, false, ['Closure rejected: Leak persists']],
    ]);
    expect(rep.breached[1]).toMatchObject({
      teamName: 'Alpha',
      assigneeName: 'tech1 of Riverside',
      dueAt: Z('2026-10-26T12:00:00Z'),
      metAt: Z('2026-10-26T13:00:00Z'),
    });
  });

  it('when an asset failed twice, then its MTBF is the gap between the failures', () => {
    expect(kpis().mtbf).toEqual([{ assetId: world.asset, label: 'PUMP-1 Pump 1', failures: 2, mtbfH: 33.5 }]);
  });

  it('when filtered by team, type or asset, then only that work counts', () => {
    const bravo = kpis({ teamId: world.teams.bravo }).summary;
    expect([bravo.created, bravo.completed, bravo.backlog, bravo.firstTimeFix, bravo.utilisation]).toEqual([1, 1, 0, r(1, 1), r(60, 960)]);
    expect(kpis({ type: 'preventive' }).summary).toEqual({ ...bravo, utilisation: r(60, 2400) });
    const pump = kpis({ assetId: world.asset });
    expect([pump.summary.created, pump.summary.completed, pump.summary.backlog, pump.summary.firstTimeFix]).toEqual([2, 1, 1, r(0, 1)]);
    expect(pump.breached.map((b) => b.id)).toEqual([ids.c]);
  });

  it('when the period is empty, then counts are 0 and every mean and ratio is null, never NaN', () => {
    const rep = kpis({}, { from: Z('2026-01-01T00:00:00Z'), to: Z('2026-01-02T00:00:00Z') });
    const s = rep.summary;
    expect([s.created, s.completed, s.backlog, s.overdue, s.plannedMin, s.actualMin]).toEqual([0, 0, 0, 0, 0, 0]);
    expect([
      s.backlogAgeMeanH,
      s.backlogAgeMaxH,
      s.mttrRespondH,
      s.mttrRepairH,
      s.onTime.value,
      s.slaResolution.value,
      s.firstTimeFix.value,
    ]).toEqual([null, null, null, null, null, null, null]);
    expect(JSON.stringify(rep)).not.toMatch(/NaN|Infinity/);
    expect(
      Object.values(rep)
        .flat()
        .some((v) => typeof v === 'number' && Number.isNaN(v)),
    ).toBe(false);
    expect(rep.daily).toHaveLength(1);
    expect(rep.byDimension.team).toEqual([]);
  });

  it('when another org asks, then it sees only its own work', () => {
    const theirs = kpis({}, { from: FROM, to: TO }, other.orgId).summary;
    expect([theirs.created, theirs.completed, theirs.backlog]).toEqual([3, 3, 0]);
    expect(kpis({ teamId: other.teams.alpha }).summary.created).toBe(0);
  });

  it('when the backlog instant is now, then the last daily point equals the summary backlog', () => {
    const rep = kpis({}, { from: FROM, to: Z('2026-11-01T00:00:00Z') });
    expect(rep.daily.at(-1)!.backlog).toBe(rep.summary.backlog);
    expect(rep.daily.at(-1)!.at).toBe(Z('2026-10-28T00:00:00Z')); // no buckets after now
  });
});

describe('GET /api/v1/reports/kpis', () => {
  const url = (extra = '') => `/api/v1/reports/kpis?from=${new Date(FROM).toISOString()}&to=${new Date(TO).toISOString()}${extra}`;

  it("when a viewer asks, then the API gives the engine's numbers with ISO times in the depot's zone", async () => {
    const res = await t.api('GET', url(`&teamId=${world.teams.alpha}&depotId=${world.depot}`), { token: world.tokens.viewer });
    expect(res.status).toBe(200);
    const engine = computeKpis(t.host.sqlite, {
      orgId: world.orgId,
      from: FROM,
      to: TO,
      filters: { teamId: world.teams.alpha, depotId: world.depot },
      zone: 'UTC',
      now: NOW,
    });
    expect(res.body.summary).toEqual(engine.summary);
    expect(res.body.query).toMatchObject({
      zone: 'UTC',
      now: '2026-10-28T12:00:00.000Z',
      filters: { teamId: world.teams.alpha, depotId: world.depot },
    });
    expect(res.body.daily[0].at).toBe('2026-10-24T00:00:00.000Z'); // the depot's zone is UTC
    expect(res.body.breached[0]).toMatchObject({ id: ids.c, dueAt: '2026-10-27T10:00:00.000Z', metAt: null });
    expect(res.body.breachedTotal).toBe(3);
  });

  it("when a technician asks, then 403; a bad period 400; another org's depot 404", async () => {
    expect((await t.api('GET', url(), { token: world.tokens.tech1 })).status).toBe(403);
    expect((await t.api('GET', url(), { token: world.tokens.supervisor })).status).toBe(200);
    const bad = await t.api('GET', `/api/v1/reports/kpis?from=${new Date(TO).toISOString()}&to=${new Date(FROM).toISOString()}`, {
      token: world.tokens.viewer,
    });
    expect(bad.status).toBe(400);
    expect(bad.body.errors).toContainEqual({ field: 'query.to', message: '"to" must be after "from"' });
    expect((await t.api('GET', url(`&depotId=${other.depot}`), { token: world.tokens.viewer })).status).toBe(404);
    expect((await t.api('GET', url('&type=nonsense'), { token: world.tokens.viewer })).status).toBe(400);
  });

  it('when the OpenAPI document is read, then it describes the KPI endpoint and its report', async () => {
    const doc = (await t.api('GET', '/api/v1/openapi.json')).body as {
      paths: Record<string, { get?: { parameters?: { name: string }[] } }>;
    };
    const path = Object.keys(doc.paths).find((p) => p.endsWith('/reports/kpis'));
    expect(path).toBeDefined();
    expect(doc.paths[path!]!.get!.parameters!.map((p) => p.name)).toEqual(
      expect.arrayContaining(['from', 'to', 'depotId', 'teamId', 'assigneeId', 'type', 'locationId', 'assetId']),
    );
  });
});
