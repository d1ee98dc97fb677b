import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WorkOrderStatus } from '../../db/schema/index.js';
import { startTestHost, type TestHost } from '../testing/harness.js';
import { createVia, move, seedWorld, workOrderAt, type World } from './fixtures.js';

let t: TestHost;
let a: World;
let b: World;

beforeAll(async () => {
  t = await startTestHost();
  a = await seedWorld(t, 'Riverside');
  b = await seedWorld(t, 'Hillside');
});
afterAll(() => t.close());

const url = (id: string, rest = '') => `/api/v1/work-orders/${id}${rest}`;

describe('work-order lifecycle', () => {
  it('when work goes from NEW to CLOSED, then every step is on the timeline with its actor', async () => {
    const { tokens } = a;
    const wo = await createVia(t, a, { locationId: a.loc1, description: 'Valve at the north gate drips' });
    expect(wo).toMatchObject({ status: 'NEW', number: expect.stringMatching(/^MAIN-\d{6}$/), version: 1 });

    const assigned = await t.api('POST', url(wo.id, '/assignment'), {
      token: tokens.dispatcher,
      body: { assigneeId: a.people.tech1, teamId: a.teams.alpha, plannedStart: '2026-11-16T13:00:00Z', plannedEnd: '2026-11-16T15:00:00Z' },
    });
    expect(assigned.status).toBe(200);
    expect(assigned.body).toMatchObject({ assigneeId: a.people.tech1, teamId: a.teams.alpha, plannedStart: '2026-11-16T13:00:00.000Z' });

    const steps: [string, WorkOrderStatus, Record<string, unknown>?][] = [
      [tokens.dispatcher, 'SCHEDULED'],
      [tokens.dispatcher, 'DISPATCHED'],
      [tokens.tech1, 'EN_ROUTE'],
      [tokens.tech1, 'ON_SITE'],
      [tokens.tech1, 'ON_HOLD', { reason: 'waiting for a spare part' }],
      [tokens.tech1, 'ON_SITE'],
      [tokens.tech1, 'COMPLETED', { note: 'replaced the seal' }],
    ];
    for (const [token, to, extra] of steps) {
      t.clock.advance(60_000);
      const res = await move(t, token, wo.id, to, extra);
      expect(res.status, `${to}: ${JSON.stringify(res.body)}`).toBe(200);
      expect(res.body.status).toBe(to);
      expect(res.headers.get('etag')).toBe(`"${res.body.version}"`);
    }
    const completed = await t.api('GET', url(wo.id), { token: tokens.viewer });
    expect(completed.body).toMatchObject({
      status: 'COMPLETED',
      respondedAt: expect.any(String),
      completedAt: expect.any(String),
      onHoldSince: null,
      heldFromStatus: null,
    });

    const closure = await t.api('POST', url(wo.id, '/closure'), {
      token: tokens.supervisor,
      body: { decision: 'approved', comment: 'good job' },
    });
    expect(closure.status).toBe(200);
    expect(closure.body).toMatchObject({ status: 'CLOSED', closedAt: expect.any(String) });

    const events = await t.api('GET', url(wo.id, '/events'), { token: tokens.viewer });
    expect(events.status).toBe(200);
    const timeline = (
      events.body.items as { type: string; fromStatus: string | null; toStatus: string | null; actorName: string | null }[]
    ).map((e) => [e.type, e.fromStatus, e.toStatus, e.actorName]);
    expect(timeline).toEqual([
      ['created', null, 'NEW', 'dispatcher of Riverside'],
      ['assigned', null, null, 'dispatcher of Riverside'],
      ['status_changed', 'NEW', 'SCHEDULED', 'dispatcher of Riverside'],
      ['status_changed', 'SCHEDULED', 'DISPATCHED', 'dispatcher of Riverside'],
      ['status_changed', 'DISPATCHED', 'EN_ROUTE', 'tech1 of Riverside'],
      ['status_changed', 'EN_ROUTE', 'ON_SITE', 'tech1 of Riverside'],
      ['status_changed', 'ON_SITE', 'ON_HOLD', 'tech1 of Riverside'],
      ['status_changed', 'ON_HOLD', 'ON_SITE', 'tech1 of Riverside'],
      ['status_changed', 'ON_SITE', 'COMPLETED', 'tech1 of Riverside'],
      ['closure_approved', null, null, 'supervisor of Riverside'],
      ['status_changed', 'COMPLETED', 'CLOSED', 'supervisor of Riverside'],
    ]);
    expect((events.body.items as { data: unknown }[])[6]!.data).toEqual({ reason: 'waiting for a spare part' });

    const approvals = await t.api('GET', url(wo.id, '/closure'), { token: tokens.viewer });
    expect(approvals.body.items).toEqual([
      expect.objectContaining({ decision: 'approved', comment: 'good job', decidedBy: a.people.supervisor, requestedBy: a.people.tech1 }),
    ]);

    const audit = await t.api('GET', url(wo.id, '/audit'), { token: tokens.viewer });
    expect(audit.status).toBe(200);
    const actions = (audit.body.items as { action: string }[]).map((x) => x.action);
    expect(actions.filter((x) => x === 'work_orders.update')).toHaveLength(9);
    expect(actions).toContain('closure_approvals.insert');
    expect(actions).toContain('closure_approvals.update');
  });

  it('when work is put on hold, then it resumes only to the status it was held from', async () => {
    const wo = workOrderAt(a, 'EN_ROUTE');
    const held = await move(t, a.tokens.tech1, wo.id, 'ON_HOLD', { reason: 'road closed' });
    expect(held.body).toMatchObject({ status: 'ON_HOLD', heldFromStatus: 'EN_ROUTE', holdReason: 'road closed' });
    const wrong = await move(t, a.tokens.tech1, wo.id, 'ON_SITE');
    expect(wrong.status).toBe(409);
    expect(wrong.body).toMatchObject({ code: 'illegal_transition', allowed: ['EN_ROUTE', 'CANCELLED'] });
    expect((await move(t, a.tokens.tech1, wo.id, 'EN_ROUTE')).body).toMatchObject({
      status: 'EN_ROUTE',
      heldFromStatus: null,
      holdReason: null,
    });
  });

  it('when a hold has no reason, then 400 names the field', async () => {
    const wo = workOrderAt(a, 'DISPATCHED');
    const res = await move(t, a.tokens.tech1, wo.id, 'ON_HOLD');
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([{ field: 'body.reason', message: expect.any(String) }]);
  });

  it('when preconditions are missing, then scheduling and dispatching are refused with what to do', async () => {
    const bare = await createVia(t, a, {});
    const schedule = await move(t, a.tokens.dispatcher, bare.id, 'SCHEDULED');
    expect(schedule.status).toBe(409);
    expect(schedule.body).toMatchObject({ code: 'transition_blocked', errors: [{ field: 'plannedStart' }] });
    const planned = await createVia(t, a, { plannedStart: '2026-11-17T09:00:00Z' });
    expect((await move(t, a.tokens.dispatcher, planned.id, 'SCHEDULED')).status).toBe(200);
    const dispatch = await move(t, a.tokens.dispatcher, planned.id, 'DISPATCHED');
    expect(dispatch.body).toMatchObject({ code: 'transition_blocked', errors: [{ field: 'assigneeId' }] });
    expect((await move(t, a.tokens.dispatcher, planned.id, 'NEW')).body.status).toBe('NEW');
  });

  const illegal: [WorkOrderStatus, WorkOrderStatus][] = [
    ['NEW', 'DISPATCHED'],
    ['NEW', 'COMPLETED'],
    ['NEW', 'ON_HOLD'],
    ['NEW', 'NEW'],
    ['SCHEDULED', 'ON_SITE'],
    ['DISPATCHED', 'COMPLETED'],
    ['EN_ROUTE', 'DISPATCHED'],
    ['ON_SITE', 'CLOSED'],
    ['ON_HOLD', 'COMPLETED'],
    ['COMPLETED', 'CANCELLED'],
    ['COMPLETED', 'CLOSED'],
    ['COMPLETED', 'DISPATCHED'],
    ['CLOSED', 'DISPATCHED'],
    ['CLOSED', 'CANCELLED'],
    ['CANCELLED', 'NEW'],
    ['CANCELLED', 'SCHEDULED'],
  ];
  it.each(illegal)('when an admin moves %s → %s, then 409 illegal_transition names the allowed next statuses', async (from, to) => {
    const wo = workOrderAt(a, from);
    const res = await move(t, a.tokens.admin, wo.id, to);
    expect(res.status).toBe(409);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(res.body).toMatchObject({ code: 'illegal_transition', from, to, allowed: expect.any(Array) });
    if (from === 'COMPLETED' && (to === 'CLOSED' || to === 'DISPATCHED')) expect(res.body.detail).toMatch(/closure/);
    const after = await t.api('GET', url(wo.id), { token: a.tokens.admin });
    expect(after.body).toMatchObject({ status: from, version: wo.version });
  });
});

describe('who may do what', () => {
  it('when a viewer tries to change anything, then 403; reading is fine', async () => {
    const wo = workOrderAt(a, 'NEW');
    expect((await t.api('GET', url(wo.id), { token: a.tokens.viewer })).status).toBe(200);
    expect(
      (await t.api('POST', '/api/v1/work-orders', { token: a.tokens.viewer, body: { title: 'x', type: 'corrective', priority: 'low' } }))
        .status,
    ).toBe(403);
    expect((await move(t, a.tokens.viewer, wo.id, 'CANCELLED')).status).toBe(403);
    expect((await t.api('PATCH', url(wo.id), { token: a.tokens.viewer, body: { title: 'y' } })).status).toBe(403);
  });

  it('when a technician makes a planning step on own work, then 403 says which roles may', async () => {
    const wo = workOrderAt(a, 'NEW', { plannedStart: '2026-11-18T09:00:00Z' });
    const res = await move(t, a.tokens.tech1, wo.id, 'SCHEDULED');
    expect(res.status).toBe(403);
    expect(res.body.detail).toMatch(/only admin, dispatcher or supervisor/);
    const dispatched = workOrderAt(a, 'DISPATCHED');
    const cancel = await move(t, a.tokens.tech1, dispatched.id, 'CANCELLED');
    expect(cancel.status).toBe(403);
    expect((await move(t, a.tokens.tech1, dispatched.id, 'EN_ROUTE')).status).toBe(200);
  });

  it('when a dispatcher tries to approve a closure, then 403; a supervisor may', async () => {
    const wo = workOrderAt(a, 'COMPLETED');
    expect((await t.api('POST', url(wo.id, '/closure'), { token: a.tokens.dispatcher, body: { decision: 'approved' } })).status).toBe(403);
    expect((await t.api('POST', url(wo.id, '/closure'), { token: a.tokens.supervisor, body: { decision: 'approved' } })).status).toBe(200);
  });

  it('when each planner role cancels, then it works; a technician assigned by team may do field steps', async () => {
    for (const role of ['admin', 'dispatcher', 'supervisor'] as const) {
      const wo = workOrderAt(a, 'SCHEDULED');
      const res = await move(t, a.tokens[role], wo.id, 'CANCELLED');
      expect(res.status, role).toBe(200);
      expect(res.body.cancelledAt).not.toBeNull();
    }
    const teamWork = workOrderAt(a, 'DISPATCHED', { assigneeId: a.people.dispatcher, teamId: undefined });
    expect((await move(t, a.tokens.tech1, teamWork.id, 'EN_ROUTE')).status).toBe(404);
    const alphaWork = workOrderAt(a, 'DISPATCHED', { assigneeId: a.people.tech1, teamId: a.teams.alpha });
    const byTeam = await t.api('POST', url(alphaWork.id, '/assignment'), {
      token: a.tokens.dispatcher,
      body: { assigneeId: a.people.tech2 },
    });
    expect(byTeam.status).toBe(200);
    expect((await move(t, a.tokens.tech1, alphaWork.id, 'EN_ROUTE')).status).toBe(200);
  });
});

describe('scoping', () => {
  it('when a technician of another team touches work, then 404 everywhere and it is not listed', async () => {
    const wo = workOrderAt(a, 'ON_SITE');
    const tok = a.tokens.tech2;
    const calls: [string, string, unknown?][] = [
      ['GET', url(wo.id)],
      ['GET', url(wo.id, '/events')],
      ['GET', url(wo.id, '/closure')],
      ['GET', url(wo.id, '/checklist')],
      ['GET', url(wo.id, '/materials')],
      ['POST', url(wo.id, '/transitions'), { to: 'COMPLETED' }],
      ['PUT', url(wo.id, '/checklist/isolated'), { value: true }],
      ['POST', url(wo.id, '/materials'), { itemId: a.item, depotId: a.depot, quantity: 1 }],
    ];
    for (const [method, path, body] of calls) {
      const res = await t.api(method, path, { token: tok, body });
      expect(res.status, `${method} ${path}`).toBe(404);
      expect(res.body.code).toBe('not_found');
    }
    const list = await t.api('GET', '/api/v1/work-orders?limit=500', { token: tok });
    expect((list.body.items as { id: string }[]).map((i) => i.id)).not.toContain(wo.id);
    const own = await t.api('GET', '/api/v1/work-orders?limit=500', { token: a.tokens.tech1 });
    const ownIds = own.body.items as { id: string; assigneeId: string | null; teamId: string | null }[];
    expect(ownIds.map((i) => i.id)).toContain(wo.id);
    expect(ownIds.every((i) => i.assigneeId === a.people.tech1 || i.teamId === a.teams.alpha)).toBe(true);
  });

  it("when someone reaches for another org's work order, then 404 and it is never listed", async () => {
    const theirs = workOrderAt(b, 'SCHEDULED');
    for (const [method, path, body] of [
      ['GET', url(theirs.id)],
      ['PATCH', url(theirs.id), { title: 'mine now' }],
      ['POST', url(theirs.id, '/transitions'), { to: 'CANCELLED' }],
      ['POST', url(theirs.id, '/assignment'), { assigneeId: a.people.tech1 }],
      ['GET', url(theirs.id, '/audit')],
    ] as [string, string, unknown?][]) {
      expect((await t.api(method, path, { token: a.tokens.admin, body })).status, `${method} ${path}`).toBe(404);
    }
    const list = await t.api('GET', '/api/v1/work-orders?limit=500', { token: a.tokens.admin });
    expect((list.body.items as { id: string }[]).map((i) => i.id)).not.toContain(theirs.id);
    expect((await t.api('GET', url(theirs.id), { token: b.tokens.admin })).body.title).toBe(theirs.title);
  });

  it("when an assignment names another org's user or someone outside the team, then 400 with field messages", async () => {
    const wo = workOrderAt(a, 'NEW');
    const foreign = await t.api('POST', url(wo.id, '/assignment'), { token: a.tokens.dispatcher, body: { assigneeId: b.people.tech1 } });
    expect(foreign.status).toBe(400);
    expect(foreign.body.errors).toEqual([{ field: 'body.assigneeId', message: 'no such user in this organization' }]);
    const outsider = await t.api('POST', url(wo.id, '/assignment'), {
      token: a.tokens.dispatcher,
      body: { assigneeId: a.people.tech2, teamId: a.teams.alpha },
    });
    expect(outsider.status).toBe(400);
    expect(outsider.body.errors[0]).toMatchObject({
      field: 'body.assigneeId',
      message: expect.stringMatching(/not a member of team Alpha/),
    });
    const create = await t.api('POST', '/api/v1/work-orders', {
      token: a.tokens.dispatcher,
      body: { title: 'x', type: 'corrective', priority: 'low', locationId: b.loc1, teamId: b.teams.alpha },
    });
    expect(create.status).toBe(400);
    expect((create.body.errors as { field: string }[]).map((e) => e.field).sort()).toEqual(['body.locationId', 'body.teamId']);
  });
});
