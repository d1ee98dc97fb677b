import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHost, type TestHost } from '../testing/harness.js';
import { seedWorld, workOrderAt, type World } from '../work-orders/fixtures.js';
import { OPEN_WORK_PRIORITY, OPEN_WORK_SLA, OPEN_WORK_STATUS, type OpenWorkDto } from './contract.js';

let t: TestHost;
let a: World;
let b: World;
const OPEN = 'NEW,SCHEDULED,DISPATCHED,EN_ROUTE,ON_SITE,ON_HOLD,COMPLETED';

beforeAll(async () => {
  t = await startTestHost();
  a = await seedWorld(t, 'Riverside');
  b = await seedWorld(t, 'Hillside');
});
afterAll(() => t.close());

const get = (query: string, token?: string) => t.api<OpenWorkDto>('GET', `/api/v1/map/open-work?${query}`, token ? { token } : {});

/** Row `i` of the columnar payload, decoded. */
const row = (p: OpenWorkDto, i: number) => ({
  id: p.id[i],
  number: p.number[i],
  lon: p.lon[i],
  lat: p.lat[i],
  sla: OPEN_WORK_SLA[p.sla[i]!],
  status: OPEN_WORK_STATUS[p.status[i]!],
  priority: OPEN_WORK_PRIORITY[p.priority[i]!],
  assignee: p.assignee[i]! >= 0 ? p.assignees[p.assignee[i]!] : null,
});

describe('the map’s open work', () => {
  it('when a dispatcher asks for the open work, then every open work order comes once as parallel columns, at its location', async () => {
    const placed = workOrderAt(a, 'ON_SITE', { locationId: a.loc1, priority: 'critical', type: 'emergency' });
    const nowhere = workOrderAt(a, 'NEW');
    const closed = workOrderAt(a, 'CLOSED', { locationId: a.loc2 });
    const res = await get(`status=${OPEN}`, a.tokens.dispatcher);
    expect(res.status).toBe(200);
    const p = res.body;
    const n = p.id.length;
    for (const column of [p.number, p.title, p.lon, p.lat, p.sla, p.status, p.priority, p.assignee]) expect(column).toHaveLength(n);
    expect(p.truncated).toBe(false);
    const rows = Array.from({ length: n }, (_, i) => row(p, i));
    expect(rows.find((r) => r.id === placed.id)).toEqual({
      id: placed.id,
      number: placed.number,
      lon: -0.1,
      lat: 51.5,
      sla: 'ok',
      status: 'ON_SITE',
      priority: 'critical',
      assignee: a.people.tech1,
    });
    expect(rows.find((r) => r.id === nowhere.id)).toMatchObject({ lon: null, lat: null, status: 'NEW', sla: 'none' });
    expect(rows.map((r) => r.id)).not.toContain(closed.id);
    // The same rows as the list with the same filters.
    const list = await t.api('GET', `/api/v1/work-orders?status=${OPEN}&limit=500`, { token: a.tokens.dispatcher });
    expect(new Set(rows.map((r) => r.id))).toEqual(new Set((list.body.items as { id: string }[]).map((i) => i.id)));
  });

  it('when the board’s filters or a few ids are given, then only the matching rows come back', async () => {
    const low = workOrderAt(a, 'SCHEDULED', { locationId: a.loc2, priority: 'low' });
    const high = workOrderAt(a, 'SCHEDULED', { locationId: a.loc2, priority: 'high' });
    const byPriority = await get(`status=SCHEDULED&priority=high`, a.tokens.dispatcher);
    expect(byPriority.body.id).toContain(high.id);
    expect(byPriority.body.id).not.toContain(low.id);
    // A live update asks for the changed ids; one that left the filters is simply absent.
    const few = await get(`status=SCHEDULED&priority=low&ids=${low.id},${high.id}`, a.tokens.dispatcher);
    expect(few.body.id).toEqual([low.id]);
    expect((await get(`ids=not-an-id`, a.tokens.dispatcher)).status).toBe(400);
  });

  it("when another org's work or no sign-in is involved, then nothing of it is served", async () => {
    const theirs = workOrderAt(b, 'SCHEDULED', { locationId: b.loc1 });
    const mine = await get(`status=${OPEN}`, a.tokens.admin);
    expect(mine.body.id).not.toContain(theirs.id);
    expect((await get(`ids=${theirs.id}`, a.tokens.admin)).body.id).toEqual([]);
    expect((await get(`status=${OPEN}`)).status).toBe(401);
    expect((await get(`status=${OPEN}`, b.tokens.viewer)).body.id).toContain(theirs.id);
  });

  it('when a technician asks, then only their own and their team’s work is on their map', async () => {
    const other = workOrderAt(a, 'SCHEDULED', { assigneeId: a.people.tech2, teamId: a.teams.bravo, locationId: a.loc1 });
    const res = await get(`status=${OPEN}`, a.tokens.tech1);
    expect(res.status).toBe(200);
    expect(res.body.id).not.toContain(other.id);
    expect(res.body.assignees.every((id) => id === a.people.tech1)).toBe(true);
  });
});
