import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHost, type TestHost } from '../testing/harness.js';
import { seedWorld, workOrderAt, type World } from '../work-orders/fixtures.js';
import { transitionWorkOrder } from '../work-orders/transitions.js';

let t: TestHost;
let w: World;
let other: World;

beforeAll(async () => {
  t = await startTestHost();
  w = await seedWorld(t);
  other = await seedWorld(t, 'Elsewhere');
});
afterAll(() => t.close());

/** The fixture sites sit at 51.5, -0.1 with the default 100 m fence; this is `m` metres due north. */
const north = (m: number, accuracyM?: number) => ({
  lat: 51.5 + m / 111_195.08,
  lon: -0.1,
  ...(accuracyM === undefined ? {} : { accuracyM }),
});
const onSite = () => workOrderAt(w, 'ON_SITE', { locationId: w.loc1 });
const post = (id: string, body: unknown, token = w.tokens.tech1) => t.api('POST', `/api/v1/work-orders/${id}/attendance`, { token, body });
const timeline = async (id: string) =>
  (await t.api('GET', `/api/v1/work-orders/${id}/events`, { token: w.tokens.dispatcher })).body.items as {
    type: string;
    data: Record<string, unknown>;
  }[];
const fieldsOf = (body: { errors?: { field: string }[] }) => (body.errors ?? []).map((e) => e.field).sort();

describe('check-in and check-out', () => {
  it('when a technician checks in within the fence, then it is stored as inside with its distance and shows on the timeline', async () => {
    const wo = onSite();
    const res = await post(wo.id, { kind: 'check_in', position: north(55, 12), occurredAt: '2026-11-16T08:58:00Z' });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      id: expect.any(String),
      workOrderId: wo.id,
      workOrderNumber: wo.number,
      userId: w.people.tech1,
      userName: 'tech1 of Riverside',
      locationId: w.loc1,
      kind: 'check_in',
      at: '2026-11-16T08:58:00.000Z',
      lat: north(55).lat,
      lon: -0.1,
      accuracyM: 12,
      distanceM: 55,
      fence: 'inside',
      reviewedBy: null,
      reviewedAt: null,
      createdAt: '2026-11-16T09:00:00.000Z',
      version: 1,
    });
    const events = (await timeline(wo.id)).filter((e) => e.type === 'attendance');
    expect(events).toEqual([
      expect.objectContaining({
        data: { attendanceId: res.body.id, kind: 'check_in', fence: 'inside', distanceM: 55, occurredAt: '2026-11-16T08:58:00.000Z' },
      }),
    ]);
    const listed = await t.api('GET', `/api/v1/work-orders/${wo.id}/attendance`, { token: w.tokens.viewer });
    expect(listed.body).toEqual({ items: [res.body], nextCursor: null });
  });

  it('when the reading is imprecise, then its accuracy widens the fence by at most 100 m', async () => {
    const cases: [number, number, string][] = [
      [140, 50, 'inside'],
      [160, 50, 'outside'],
      [190, 5000, 'inside'],
      [250, 5000, 'outside'],
    ];
    for (const [metres, accuracy, fence] of cases) {
      const wo = onSite();
      const res = await post(wo.id, { kind: 'check_in', position: north(metres, accuracy) });
      expect(res.status).toBe(201);
      expect(res.body, `${metres} m ± ${accuracy}`).toMatchObject({ fence, distanceM: metres });
    }
  });

  it('when there is no position or the work has no site, then the fence is unknown and no distance is claimed', async () => {
    const noPosition = await post(onSite().id, { kind: 'check_in' });
    expect(noPosition.body).toMatchObject({ fence: 'unknown', distanceM: null, lat: null, lon: null, accuracyM: null, locationId: w.loc1 });
    const noSite = await post(workOrderAt(w, 'ON_SITE').id, { kind: 'check_in', position: north(0) });
    expect(noSite.body).toMatchObject({ fence: 'unknown', distanceM: null, lat: 51.5, locationId: null });
  });

  it('when someone checks out without checking in, or checks in twice, then 409 and nothing is stored', async () => {
    const wo = onSite();
    const out = await post(wo.id, { kind: 'check_out', position: north(10) });
    expect(out.status).toBe(409);
    expect(out.body.code).toBe('not_checked_in');
    const first = await post(wo.id, { kind: 'check_in', position: north(10) });
    expect(first.status).toBe(201);
    const again = await post(wo.id, { kind: 'check_in', position: north(10) });
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ code: 'already_checked_in', attendanceId: first.body.id });
    // Checked in is per person: the supervisor has not checked in, so cannot check out.
    expect((await post(wo.id, { kind: 'check_out' }, w.tokens.supervisor)).body.code).toBe('not_checked_in');
    expect((await post(wo.id, { kind: 'check_out', position: north(20) })).status).toBe(201);
    expect((await post(wo.id, { kind: 'check_out', position: north(20) })).body.code).toBe('not_checked_in');
    expect((await post(wo.id, { kind: 'check_in', position: north(20) })).status).toBe(201);
    const listed = await t.api('GET', `/api/v1/work-orders/${wo.id}/attendance`, { token: w.tokens.tech1 });
    expect(listed.body.items.map((a: { kind: string }) => a.kind)).toEqual(['check_in', 'check_out', 'check_in']);
  });

  it('when the work is completed, then a new check-in is refused but the open one can still check out', async () => {
    const wo = onSite();
    expect((await post(wo.id, { kind: 'check_in', position: north(5) })).status).toBe(201);
    transitionWorkOrder(w.ctx, wo.id, { to: 'COMPLETED' });
    expect((await post(wo.id, { kind: 'check_out', position: north(5) })).status).toBe(201);
    const late = await post(wo.id, { kind: 'check_in', position: north(5) });
    expect(late.status).toBe(409);
    // The problem's own status stays the HTTP one; the work order's goes in its own member.
    expect(late.body).toMatchObject({ code: 'work_order_finished', status: 409, workOrderStatus: 'COMPLETED' });
  });

  it('when occurredAt is more than 5 minutes ahead or more than 7 days old, then 422 on body.occurredAt', async () => {
    const wo = onSite();
    for (const occurredAt of ['2026-11-16T09:05:01Z', '2026-11-09T08:59:59Z']) {
      const res = await post(wo.id, { kind: 'check_in', occurredAt });
      expect(res.status, occurredAt).toBe(422);
      expect(res.body.code).toBe('occurred_at_out_of_range');
      expect(fieldsOf(res.body)).toEqual(['body.occurredAt']);
    }
    expect((await t.api('GET', `/api/v1/work-orders/${wo.id}/attendance`, { token: w.tokens.tech1 })).body.items).toEqual([]);
    // The edges themselves are accepted (a phone a little fast; a week in a drawer).
    expect((await post(wo.id, { kind: 'check_in', occurredAt: '2026-11-16T09:05:00Z' })).body.at).toBe('2026-11-16T09:05:00.000Z');
    expect((await post(wo.id, { kind: 'check_out', occurredAt: '2026-11-09T09:00:00+00:00' })).body.at).toBe('2026-11-09T09:00:00.000Z');
  });

  it('when the body is malformed, then 400 names each bad field', async () => {
    const wo = onSite();
    const cases: [unknown, string[]][] = [
      [{ kind: 'arrive' }, ['body.kind']],
      [{}, ['body.kind']],
      [{ kind: 'check_in', position: { lat: 91, lon: -181 } }, ['body.position.lat', 'body.position.lon']],
      [{ kind: 'check_in', position: { lat: '51.5', lon: -0.1 } }, ['body.position.lat']],
      [{ kind: 'check_in', position: { lat: 51.5, lon: -0.1, accuracyM: -1 } }, ['body.position.accuracyM']],
      [{ kind: 'check_in', position: { lat: 51.5, lon: -0.1, accuracyM: 100_001 } }, ['body.position.accuracyM']],
      [{ kind: 'check_in', position: { lat: 51.5, lon: -0.1, altitude: 3 } }, ['body.position']],
      [{ kind: 'check_in', userId: w.people.tech2 }, ['body']],
      [{ kind: 'check_in', occurredAt: 'yesterday' }, ['body.occurredAt']],
    ];
    for (const [body, fields] of cases) {
      const res = await post(wo.id, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(fieldsOf(res.body), JSON.stringify(body)).toEqual(fields);
    }
    expect((await t.api('GET', `/api/v1/work-orders/${wo.id}/attendance`, { token: w.tokens.tech1 })).body.items).toEqual([]);
  });

  it("when the work order is another team's or another org's, then 404; a viewer gets 403", async () => {
    const wo = onSite();
    expect((await post(wo.id, { kind: 'check_in' }, w.tokens.tech2)).status).toBe(404);
    expect((await t.api('GET', `/api/v1/work-orders/${wo.id}/attendance`, { token: w.tokens.tech2 })).status).toBe(404);
    const theirs = workOrderAt(other, 'ON_SITE', { locationId: other.loc1 });
    expect((await post(theirs.id, { kind: 'check_in' })).status).toBe(404);
    expect((await post(theirs.id, { kind: 'check_in' }, w.tokens.dispatcher)).status).toBe(404);
    expect((await t.api('GET', `/api/v1/work-orders/${theirs.id}/attendance`, { token: w.tokens.dispatcher })).status).toBe(404);
    expect((await post(wo.id, { kind: 'check_in' }, w.tokens.viewer)).status).toBe(403);
    expect((await t.api('GET', `/api/v1/work-orders/${wo.id}/attendance`, { token: w.tokens.viewer })).status).toBe(200);
  });
});

describe('flagged attendance for supervisors', () => {
  it('when records are outside the fence or unverifiable, then they are listed org-wide, newest first, page by page', async () => {
    const wo = onSite();
    const inside = await post(wo.id, { kind: 'check_in', position: north(10), occurredAt: '2026-11-16T07:00:00Z' });
    await post(wo.id, { kind: 'check_out', position: north(2000), occurredAt: '2026-11-16T07:30:00Z' });
    await post(wo.id, { kind: 'check_in', occurredAt: '2026-11-16T08:00:00Z' });
    await post(wo.id, { kind: 'check_out', position: north(900), occurredAt: '2026-11-16T08:30:00Z' });
    const list = (q: string, token = w.tokens.supervisor) => t.api('GET', `/api/v1/attendance?workOrderId=${wo.id}&${q}`, { token });

    const first = await list('limit=2');
    expect(first.status).toBe(200);
    expect(first.body.items.map((a: { at: string; fence: string }) => [a.at.slice(11, 16), a.fence])).toEqual([
      ['08:30', 'outside'],
      ['08:00', 'unknown'],
    ]);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const second = await list(`limit=2&cursor=${first.body.nextCursor}`);
    expect(second.body.items.map((a: { at: string }) => a.at.slice(11, 16))).toEqual(['07:30']);
    expect(second.body.nextCursor).toBeNull();

    expect((await list('fence=inside')).body.items.map((a: { id: string }) => a.id)).toEqual([inside.body.id]);
    expect((await list('fence=inside,outside,unknown&sort=at')).body.items.map((a: { at: string }) => a.at.slice(11, 16))).toEqual([
      '07:00',
      '07:30',
      '08:00',
      '08:30',
    ]);
    expect((await list('fence=unknown&kind=check_in')).body.items).toHaveLength(1);
    expect((await list(`userId=${w.people.tech2}`)).body.items).toEqual([]);
    expect((await list('', w.tokens.dispatcher)).body.items).toHaveLength(3);
    expect((await list('', w.tokens.admin)).body.items).toHaveLength(3);
    // The other org's supervisor sees none of it.
    expect((await list('', other.tokens.supervisor)).body.items).toEqual([]);
  });

  it('when the list query is bad or the caller may not see it, then 400 or 403', async () => {
    for (const q of ['fence=nearby', 'reviewed=maybe', 'sort=distance', 'cursor=bogus', 'limit=0', 'colour=red']) {
      expect((await t.api('GET', `/api/v1/attendance?${q}`, { token: w.tokens.supervisor })).status, q).toBe(400);
    }
    expect((await t.api('GET', '/api/v1/attendance', { token: w.tokens.tech1 })).status).toBe(403);
    expect((await t.api('GET', '/api/v1/attendance', { token: w.tokens.viewer })).status).toBe(403);
  });

  it('when a supervisor reviews a flagged record, then it leaves the unreviewed list, its version goes up and the timeline says so', async () => {
    const wo = onSite();
    const flagged = (await post(wo.id, { kind: 'check_in', position: north(5000) })).body;
    const unreviewed = async () =>
      (await t.api('GET', `/api/v1/attendance?workOrderId=${wo.id}&reviewed=false`, { token: w.tokens.supervisor })).body.items.map(
        (a: { id: string }) => a.id,
      );
    expect(await unreviewed()).toEqual([flagged.id]);

    const review = (token: string, headers: Record<string, string> = {}) =>
      t.api('POST', `/api/v1/attendance/${flagged.id}/review`, { token, headers });
    expect((await review(w.tokens.dispatcher)).status).toBe(403);
    expect((await review(w.tokens.tech1)).status).toBe(403);
    expect((await review(other.tokens.supervisor)).status).toBe(404);
    expect((await review(w.tokens.supervisor, { 'if-match': '"7"' })).body.code).toBe('version_conflict');

    t.clock.set('2026-11-16T09:10:00Z');
    const done = await review(w.tokens.supervisor, { 'if-match': '"1"' });
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({
      id: flagged.id,
      reviewedBy: w.people.supervisor,
      reviewedAt: '2026-11-16T09:10:00.000Z',
      version: 2,
      userName: 'tech1 of Riverside',
    });
    expect(await unreviewed()).toEqual([]);
    const reviewed = await t.api('GET', `/api/v1/attendance?workOrderId=${wo.id}&reviewed=true`, { token: w.tokens.supervisor });
    expect(reviewed.body.items).toEqual([done.body]);
    const again = await review(w.tokens.admin);
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('already_reviewed');
    const events = (await timeline(wo.id)).filter((e) => e.type === 'attendance_reviewed');
    expect(events).toEqual([expect.objectContaining({ data: { attendanceId: flagged.id, kind: 'check_in', fence: 'outside' } })]);
    const audit = t.host.sqlite
      .prepare("SELECT action FROM audit_log WHERE entity = 'attendance' AND entity_id = ? ORDER BY at")
      .pluck()
      .all(flagged.id);
    expect(audit).toEqual(['attendance.insert', 'attendance.update']);
    t.clock.set('2026-11-16T09:00:00Z');
  });
});
