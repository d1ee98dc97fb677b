import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { secondOrg } from '../people/fixtures.js';
import { startTestHost, type TestHost } from '../testing/harness.js';
import { createVia, seedWorld, workOrderAt, type World } from '../work-orders/fixtures.js';
import type { CrewSuggestions } from './contract.js';

let t: TestHost;
let world: World;
const url = (id: string) => `/api/v1/work-orders/${id}/crew-suggestions`;

beforeAll(async () => {
  // Monday 07:00 UTC. Test users have no shift: the assumed weekday 08:00–16:30 applies.
  t = await startTestHost({ now: '2026-11-16T07:00:00Z' });
  world = await seedWorld(t);
});
afterAll(() => t.close());

async function suggest(id: string, token = world.tokens.dispatcher): Promise<CrewSuggestions> {
  const res = await t.api<CrewSuggestions>('GET', url(id), { token });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body;
}

describe('best crew for a work order', () => {
  it("when the work is a team's, then only its members are suggested, at the first slot of their shift, with reasons", async () => {
    const wo = await createVia(t, world, { title: 'Valve check', locationId: world.loc1, teamId: world.teams.alpha, durationMin: 60 });
    const s = await suggest(wo.id);
    expect(s.suggestions.map((x) => x.userId)).toEqual([world.people.tech1]);
    expect(s.ineligible).toBeGreaterThanOrEqual(1);
    expect(s.suggestions[0]!.start).toBe('2026-11-16T08:00:00.000Z');
    expect(s.suggestions[0]!.end).toBe('2026-11-16T09:00:00.000Z');
    expect(s.suggestions[0]!.reasons.join(' | ')).toMatch(/Travel about \d+ min/);
  });

  it('when one crew is busy with dispatched work in the morning, then the crew free sooner ranks first', async () => {
    workOrderAt(world, 'DISPATCHED', { plannedStart: '2026-11-16T08:00:00Z', durationMin: 240, locationId: world.loc1 });
    const wo = await createVia(t, world, { title: 'Anyone will do', locationId: world.loc1, durationMin: 60 });
    const s = await suggest(wo.id);
    const ids = s.suggestions.map((x) => x.userId);
    expect(ids.indexOf(world.people.tech2)).toBeLessThan(ids.indexOf(world.people.tech1));
    const busy = s.suggestions.find((x) => x.userId === world.people.tech1)!;
    expect(Date.parse(busy.start)).toBeGreaterThanOrEqual(Date.parse('2026-11-16T12:00:00Z'));
    // Nothing was planned by asking.
    expect(t.host.sqlite.prepare('SELECT assignee_id FROM work_orders WHERE id = ?').pluck().get(wo.id)).toBeNull();
  });

  it('when the work is already under way, or another org asks, or a technician asks, then 409, 404 and 403', async () => {
    const dispatched = workOrderAt(world, 'DISPATCHED', { plannedStart: '2026-11-17T08:00:00Z', durationMin: 60 });
    const res = await t.api('GET', url(dispatched.id), { token: world.tokens.dispatcher });
    expect([res.status, res.body.code]).toEqual([409, 'not_plannable']);
    const wo = await createVia(t, world, { title: 'Mine', locationId: world.loc1 });
    const other = await secondOrg(t);
    expect((await t.api('GET', url(wo.id), { token: other.token })).status).toBe(404);
    expect((await t.api('GET', url(wo.id), { token: world.tokens.tech1 })).status).toBe(403);
    expect((await t.api('GET', url('not-an-id'), { token: world.tokens.dispatcher })).status).toBe(400);
  });
});
