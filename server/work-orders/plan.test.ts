import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHost, type TestHost } from '../testing/harness.js';
import { createVia, seedWorld, workOrderAt, type World } from './fixtures.js';

/** POST /work-orders/:id/plan: assignment, planned window and NEW → SCHEDULED as one transaction. */

let t: TestHost;
let w: World;

beforeAll(async () => {
  t = await startTestHost();
  w = await seedWorld(t, 'Planning');
});
afterAll(() => t.close());

const url = (id: string, rest = '') => `/api/v1/work-orders/${id}${rest}`;
const count = (table: string) => t.host.sqlite.prepare(`SELECT count(*) FROM ${table}`).pluck().get() as number;
const snapshot = (id: string) => ({
  row: t.host.sqlite.prepare('SELECT * FROM work_orders WHERE id = ?').get(id),
  events: count('work_order_events'),
  audit: count('audit_log'),
  mutations: count('mutations'),
  changes: count('changes'),
});
const window = { plannedStart: '2026-11-18T09:00:00Z', plannedEnd: '2026-11-18T11:00:00Z' };

describe('planning in one request', () => {
  it('when NEW work is planned, then it is assigned, planned and SCHEDULED in one version, with both timeline entries', async () => {
    const wo = await createVia(t, w, { locationId: w.loc1 });
    const res = await t.api('POST', url(wo.id, '/plan'), {
      token: w.tokens.dispatcher,
      body: { assigneeId: w.people.tech1, teamId: w.teams.alpha, ...window },
      headers: { 'if-match': `"${wo.version}"` },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({
      status: 'SCHEDULED',
      assigneeId: w.people.tech1,
      teamId: w.teams.alpha,
      plannedStart: '2026-11-18T09:00:00.000Z',
      version: wo.version + 1,
    });
    expect(res.headers.get('etag')).toBe(`"${wo.version + 1}"`);
    const events = await t.api('GET', url(wo.id, '/events'), { token: w.tokens.viewer });
    expect(
      events.body.items.map((e: { type: string; fromStatus: string | null; toStatus: string | null }) => [
        e.type,
        e.fromStatus,
        e.toStatus,
      ]),
    ).toEqual([
      ['created', null, 'NEW'],
      ['assigned', null, null],
      ['status_changed', 'NEW', 'SCHEDULED'],
    ]);
  });

  it('when planned work is moved in time, then its timeline says rescheduled from when to when; a new crew says reassigned', async () => {
    const wo = await createVia(t, w, { locationId: w.loc1 });
    const first = await t.api('POST', url(wo.id, '/plan'), {
      token: w.tokens.dispatcher,
      body: { assigneeId: w.people.tech1, teamId: w.teams.alpha, ...window },
    });
    const moved = await t.api('POST', url(wo.id, '/plan'), {
      token: w.tokens.dispatcher,
      body: { plannedStart: '2026-11-18T13:00:00Z', plannedEnd: '2026-11-18T15:00:00Z' },
      headers: { 'if-match': `"${first.body.version}"` },
    });
    expect(moved.status, JSON.stringify(moved.body)).toBe(200);
    const other = await t.api('POST', url(wo.id, '/plan'), {
      token: w.tokens.dispatcher,
      body: { assigneeId: w.people.tech2, teamId: w.teams.bravo },
      headers: { 'if-match': `"${moved.body.version}"` },
    });
    expect(other.status, JSON.stringify(other.body)).toBe(200);
    const events = await t.api('GET', url(wo.id, '/events'), { token: w.tokens.viewer });
    const assigned = events.body.items.filter((e: { type: string }) => e.type === 'assigned').map((e: { data: unknown }) => e.data);
    expect(assigned.map((d: { change: string }) => d.change)).toEqual(['assigned_rescheduled', 'rescheduled', 'reassigned']);
    expect(assigned[1]).toMatchObject({
      plannedStart: Date.parse('2026-11-18T13:00:00Z'),
      previous: { plannedStart: Date.parse(window.plannedStart), assigneeId: w.people.tech1 },
    });
  });

  it('when the move to SCHEDULED would be refused (no planned start), then nothing of the plan is written', async () => {
    const wo = await createVia(t, w, { locationId: w.loc1 });
    const before = snapshot(wo.id);
    const res = await t.api('POST', url(wo.id, '/plan'), { token: w.tokens.dispatcher, body: { assigneeId: w.people.tech1 } });
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ code: 'transition_blocked' });
    expect(snapshot(wo.id)).toEqual(before);
  });

  it('when the status change fails after the assignment is written, then the assignment rolls back with it', async () => {
    const wo = await createVia(t, w, { locationId: w.loc1 });
    const before = snapshot(wo.id);
    t.host.sqlite.exec(
      "CREATE TEMP TRIGGER boom BEFORE INSERT ON work_order_events WHEN NEW.to_status = 'SCHEDULED' BEGIN SELECT RAISE(ABORT, 'boom'); END;",
    );
    try {
      const res = await t.api('POST', url(wo.id, '/plan'), { token: w.tokens.dispatcher, body: { assigneeId: w.people.tech1, ...window } });
      expect(res.status).toBe(500);
    } finally {
      t.host.sqlite.exec('DROP TRIGGER temp.boom');
    }
    expect(snapshot(wo.id)).toEqual(before);
  });

  it('when work already past NEW is re-planned, then only who and when change', async () => {
    const wo = workOrderAt(w, 'DISPATCHED');
    const res = await t.api('POST', url(wo.id, '/plan'), {
      token: w.tokens.dispatcher,
      body: { assigneeId: w.people.tech2, teamId: w.teams.bravo, ...window },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ status: 'DISPATCHED', assigneeId: w.people.tech2, teamId: w.teams.bravo, version: wo.version + 1 });
  });

  it('when a technician tries to plan, then 403 and nothing changes', async () => {
    const wo = await createVia(t, w, { locationId: w.loc1 });
    const before = snapshot(wo.id);
    const res = await t.api('POST', url(wo.id, '/plan'), { token: w.tokens.tech1, body: { assigneeId: w.people.tech1, ...window } });
    expect(res.status).toBe(403);
    expect(snapshot(wo.id)).toEqual(before);
  });
});
