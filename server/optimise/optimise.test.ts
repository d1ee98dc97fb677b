import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHost, type TestHost } from '../testing/harness.js';
import { createVia, seedWorld, workOrderAt, type World } from '../work-orders/fixtures.js';
import { secondOrg } from '../people/fixtures.js';
import type { OptimiseJob } from './contract.js';

let t: TestHost;
let world: World;
const P = '/api/v1/plan/optimise';
// Monday 07:00; the range is Tuesday. Test users have no shift: the assumed weekday 08:00–16:30 applies.
const RANGE = { from: '2026-11-17T00:00:00Z', to: '2026-11-18T00:00:00Z' };

beforeAll(async () => {
  t = await startTestHost({ now: '2026-11-16T07:00:00Z' });
  world = await seedWorld(t);
});
afterAll(() => t.close());

/** Starts a run and waits for the worker to finish (on its settled promise, no polling or sleeps). */
async function optimise(body: Record<string, unknown> = RANGE, token = world.tokens.dispatcher): Promise<OptimiseJob> {
  const res = await t.api<OptimiseJob>('POST', P, { token, body });
  expect(res.status).toBe(202);
  await t.services.optimiser.get(world.ctx, res.body.id).settled;
  return (await t.api<OptimiseJob>('GET', `${P}/${res.body.id}`, { token })).body;
}

const backlog = (n: number) =>
  Promise.all(
    Array.from({ length: n }, (_, i) =>
      createVia(t, world, { title: `Backlog ${i}`, locationId: world.loc1, teamId: world.teams.alpha, durationMin: 60 }),
    ),
  );

describe('plan optimiser API', () => {
  it('when only dispatchers and admins may optimise, then the other roles get 403', async () => {
    for (const role of ['supervisor', 'tech1', 'viewer'] as const) {
      expect((await t.api('POST', P, { token: world.tokens[role], body: RANGE })).status, role).toBe(403);
    }
    expect((await t.api('POST', P, { token: world.tokens.admin, body: RANGE })).status).toBe(202);
  });

  it('when the range is backwards, then 400 with the field named', async () => {
    const res = await t.api('POST', P, { token: world.tokens.dispatcher, body: { from: RANGE.to, to: RANGE.from } });
    expect(res.status).toBe(400);
    expect(res.body.errors[0].field).toBe('body.to');
  });

  it('when backlog is optimised around dispatched work, then the proposal plans it without touching the dispatched job, and a subset is accepted in one audited mutation', async () => {
    const dispatched = workOrderAt(world, 'DISPATCHED', { plannedStart: '2026-11-17T09:00:00Z', durationMin: 60 });
    const created = await backlog(3);
    const run = await optimise();
    expect(run.state).toBe('done');
    const moves = run.proposal!.moves.filter((m) => created.some((c) => c.id === m.workOrderId));
    expect(moves).toHaveLength(3);
    expect(run.proposal!.moves.map((m) => m.workOrderId)).not.toContain(dispatched.id);
    expect(run.proposal!.hardViolations).toBe(0);
    for (const m of moves) {
      expect(m.to.assigneeId).toBe(world.people.tech1); // team Alpha's only member
      expect(m.reasons).toContain('Was unscheduled');
      const [s, e] = [Date.parse(m.to.start), Date.parse(m.to.end)];
      expect(e <= Date.parse('2026-11-17T09:00:00Z') || s >= Date.parse('2026-11-17T10:00:00Z')).toBe(true);
    }

    const first = moves[0]!.workOrderId;
    const res = await t.api('POST', `${P}/${run.id}/accept`, { token: world.tokens.dispatcher, body: { workOrderIds: [first] } });
    expect(res.status).toBe(200);
    expect(res.body.applied).toEqual([first]);
    const row = t.host.sqlite.prepare('SELECT status, assignee_id AS a, planned_start AS s FROM work_orders WHERE id = ?').get(first);
    expect(row).toEqual({ status: 'SCHEDULED', a: world.people.tech1, s: Date.parse(moves[0]!.to.start) });
    const mutation = t.host.sqlite
      .prepare("SELECT count(*) FROM audit_log WHERE entity_id = ? AND action LIKE 'work_orders.%'")
      .pluck()
      .get(first);
    expect(mutation).toBeGreaterThan(0);
    const events = t.host.sqlite.prepare('SELECT type FROM work_order_events WHERE work_order_id = ? ORDER BY at, id').pluck().all(first);
    expect(events.slice(-2)).toEqual(['assigned', 'status_changed']);
    // The others were not touched.
    for (const m of moves.slice(1)) {
      expect(t.host.sqlite.prepare('SELECT status FROM work_orders WHERE id = ?').pluck().get(m.workOrderId)).toBe('NEW');
    }

    // "All" now includes the accepted one, whose version moved on: refused, and nothing applied.
    const all = await t.api('POST', `${P}/${run.id}/accept`, { token: world.tokens.dispatcher, body: {} });
    expect(all.status).toBe(409);
    expect(all.body.code).toBe('proposal_stale');
    expect(all.body.workOrderIds).toEqual([first]);
    for (const m of moves.slice(1)) {
      expect(t.host.sqlite.prepare('SELECT status FROM work_orders WHERE id = ?').pluck().get(m.workOrderId)).toBe('NEW');
    }
    const rest = await t.api('POST', `${P}/${run.id}/accept`, {
      token: world.tokens.dispatcher,
      body: { workOrderIds: moves.slice(1).map((m) => m.workOrderId) },
    });
    expect(rest.status).toBe(200);
    const dispatchedNow = t.host.sqlite.prepare('SELECT status, planned_start AS s FROM work_orders WHERE id = ?').get(dispatched.id);
    expect(dispatchedNow).toEqual({ status: 'DISPATCHED', s: Date.parse('2026-11-17T09:00:00Z') });
  });

  it('when a work order is edited after the proposal, then accepting its move is refused with 409', async () => {
    const [wo] = await backlog(1);
    const run = await optimise({ ...RANGE, teamId: world.teams.alpha });
    expect(run.proposal!.moves.map((m) => m.workOrderId)).toContain(wo!.id);
    const patch = await t.api('PATCH', `/api/v1/work-orders/${wo!.id}`, {
      token: world.tokens.dispatcher,
      body: { title: 'Edited meanwhile' },
    });
    expect(patch.status).toBe(200);
    const res = await t.api('POST', `${P}/${run.id}/accept`, { token: world.tokens.dispatcher, body: { workOrderIds: [wo!.id] } });
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('proposal_stale');
    expect(t.host.sqlite.prepare('SELECT status FROM work_orders WHERE id = ?').pluck().get(wo!.id)).toBe('NEW');
  });

  it('when someone plans other work into a proposed slot meanwhile, then accepting is refused as a double booking and nothing is applied', async () => {
    const [wo] = await backlog(1);
    const run = await optimise({ ...RANGE, teamId: world.teams.alpha });
    const move = run.proposal!.moves.find((m) => m.workOrderId === wo!.id)!;
    const other = await createVia(t, world, { title: 'Planned by hand', teamId: world.teams.alpha, durationMin: 60 });
    const plan = await t.api('POST', `/api/v1/work-orders/${other.id}/plan`, {
      token: world.tokens.dispatcher,
      body: { assigneeId: move.to.assigneeId, plannedStart: move.to.start, plannedEnd: move.to.end },
    });
    expect(plan.status).toBe(200);
    const res = await t.api('POST', `${P}/${run.id}/accept`, { token: world.tokens.dispatcher, body: { workOrderIds: [wo!.id] } });
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('proposal_conflict');
    expect(t.host.sqlite.prepare('SELECT status FROM work_orders WHERE id = ?').pluck().get(wo!.id)).toBe('NEW');
  });

  it('when a run is cancelled, then it reads as cancelled with no proposal and cannot be accepted', async () => {
    await backlog(2);
    const res = await t.api<OptimiseJob>('POST', P, { token: world.tokens.dispatcher, body: RANGE });
    expect((await t.api('DELETE', `${P}/${res.body.id}`, { token: world.tokens.dispatcher })).status).toBe(204);
    await t.services.optimiser.get(world.ctx, res.body.id).settled;
    const got = await t.api<OptimiseJob>('GET', `${P}/${res.body.id}`, { token: world.tokens.dispatcher });
    expect(got.body.state).toBe('cancelled');
    expect(got.body.proposal).toBeNull();
    expect((await t.api('POST', `${P}/${res.body.id}/accept`, { token: world.tokens.dispatcher, body: {} })).status).toBe(409);
  });

  it("when another org's run or team is named, then 404", async () => {
    const run = await optimise();
    const other = await secondOrg(t);
    expect((await t.api('GET', `${P}/${run.id}`, { token: other.token })).status).toBe(404);
    expect((await t.api('DELETE', `${P}/${run.id}`, { token: other.token })).status).toBe(404);
    expect((await t.api('POST', `${P}/${run.id}/accept`, { token: other.token, body: {} })).status).toBe(404);
    expect((await t.api('POST', P, { token: other.token, body: { ...RANGE, teamId: world.teams.alpha } })).status).toBe(404);
  });
});
