import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHost, type TestHost } from '../testing/harness.js';
import { move, seedWorld, workOrderAt, type World } from './fixtures.js';

let t: TestHost;
let w: World;
let other: World;

beforeAll(async () => {
  t = await startTestHost();
  w = await seedWorld(t);
  other = await seedWorld(t, 'Elsewhere');
});
afterAll(() => t.close());

type Event = { id: string; type: string; toStatus: string | null; actorName: string | null; data: Record<string, unknown> };
const events = async (id: string) =>
  (await t.api('GET', `/api/v1/work-orders/${id}/events`, { token: w.tokens.viewer })).body.items as Event[];
const fieldsOf = (body: { errors?: { field: string }[] }) => (body.errors ?? []).map((e) => e.field).sort();
const note = (id: string, body: unknown, token = w.tokens.tech1) => t.api('POST', `/api/v1/work-orders/${id}/notes`, { token, body });

describe('stamped status steps', () => {
  it("when a step carries a position and occurredAt, then both are in the event data, and the SLA clock uses the host's time", async () => {
    const wo = workOrderAt(w, 'EN_ROUTE');
    const res = await move(t, w.tokens.tech1, wo.id, 'ON_SITE', {
      position: { lat: 51.5001, lon: -0.1002, accuracyM: 8.5 },
      occurredAt: '2026-11-16T08:52:30+01:00',
    });
    expect(res.status).toBe(200);
    expect(res.body.respondedAt).toBe('2026-11-16T09:00:00.000Z');
    const step = (await events(wo.id)).find((e) => e.toStatus === 'ON_SITE')!;
    expect(step.data).toEqual({ position: { lat: 51.5001, lon: -0.1002, accuracyM: 8.5 }, occurredAt: '2026-11-16T07:52:30.000Z' });

    const hold = await move(t, w.tokens.tech1, wo.id, 'ON_HOLD', { reason: 'no parts', position: { lat: 0, lon: 0 } });
    expect(hold.status).toBe(200);
    expect((await events(wo.id)).find((e) => e.toStatus === 'ON_HOLD')!.data).toEqual({ reason: 'no parts', position: { lat: 0, lon: 0 } });
  });

  it('when the stamp is malformed or out of range, then 400/422 and the work order does not move', async () => {
    const wo = workOrderAt(w, 'DISPATCHED');
    const cases: [Record<string, unknown>, number, string[]][] = [
      [{ position: { lat: 90.5, lon: 0 } }, 400, ['body.position.lat']],
      [{ position: { lat: 0, lon: 180.1, accuracyM: 'good' } }, 400, ['body.position.accuracyM', 'body.position.lon']],
      [{ position: { lat: 0 } }, 400, ['body.position.lon']],
      [{ position: { lat: 0, lon: 0, heading: 90 } }, 400, ['body.position']],
      [{ position: [51.5, -0.1] }, 400, ['body.position']],
      [{ occurredAt: '16/11/2026' }, 400, ['body.occurredAt']],
      [{ occurredAt: '2026-11-16T09:05:01Z' }, 422, ['body.occurredAt']],
      [{ occurredAt: '2026-11-01T00:00:00Z' }, 422, ['body.occurredAt']],
    ];
    for (const [extra, status, fields] of cases) {
      const res = await move(t, w.tokens.tech1, wo.id, 'EN_ROUTE', extra);
      expect(res.status, JSON.stringify(extra)).toBe(status);
      expect(fieldsOf(res.body), JSON.stringify(extra)).toEqual(fields);
    }
    const now = await t.api('GET', `/api/v1/work-orders/${wo.id}`, { token: w.tokens.tech1 });
    expect(now.body).toMatchObject({ status: 'DISPATCHED', version: wo.version });
    // A queued replay of a step already taken is refused by the lifecycle, not applied twice.
    expect((await move(t, w.tokens.tech1, wo.id, 'EN_ROUTE', { occurredAt: '2026-11-16T08:00:00Z' })).status).toBe(200);
    const replay = await move(t, w.tokens.tech1, wo.id, 'EN_ROUTE', { occurredAt: '2026-11-16T08:00:00Z' });
    expect(replay.status).toBe(409);
    expect(replay.body.code).toBe('illegal_transition');
  });
});

describe('notes', () => {
  it('when a technician adds a note, then it is a "note" event with body, internal=false and occurredAt', async () => {
    const wo = workOrderAt(w, 'ON_SITE');
    const res = await note(wo.id, { body: ' Valve replaced, old one in the van. ', occurredAt: '2026-11-16T08:45:00Z' });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      id: expect.any(String),
      type: 'note',
      fromStatus: null,
      toStatus: null,
      actorId: w.people.tech1,
      actorName: 'tech1 of Riverside',
      at: '2026-11-16T09:00:00.000Z',
      data: { body: 'Valve replaced, old one in the van.', internal: false, occurredAt: '2026-11-16T08:45:00.000Z' },
    });
    expect((await events(wo.id)).filter((e) => e.type === 'note')).toEqual([res.body]);
  });

  it('when the office adds an internal note without a time, then internal is true and occurredAt is null, even on finished work', async () => {
    const wo = workOrderAt(w, 'CLOSED');
    for (const token of [w.tokens.dispatcher, w.tokens.supervisor, w.tokens.admin]) {
      const res = await note(wo.id, { body: 'Customer called to say thanks', internal: true }, token);
      expect(res.status).toBe(201);
      expect(res.body.data).toEqual({ body: 'Customer called to say thanks', internal: true, occurredAt: null });
    }
  });

  it('when the desk writes an internal note, then the crew never receives it but everyone at the desk does', async () => {
    const wo = workOrderAt(w, 'ON_SITE');
    expect((await note(wo.id, { body: 'Customer disputes last invoice', internal: true }, w.tokens.dispatcher)).status).toBe(201);
    expect((await note(wo.id, { body: 'Gate code is 4711' }, w.tokens.dispatcher)).status).toBe(201);
    const bodies = async (token: string) =>
      ((await t.api('GET', `/api/v1/work-orders/${wo.id}/events`, { token })).body.items as Event[])
        .filter((e) => e.type === 'note')
        .map((e) => (e.data as { body: string }).body);
    expect(await bodies(w.tokens.tech1)).toEqual(['Gate code is 4711']);
    expect(await bodies(w.tokens.viewer)).toEqual(['Customer disputes last invoice', 'Gate code is 4711']);
  });

  it('when the body is malformed, then 400 names the field and no event is written', async () => {
    const wo = workOrderAt(w, 'ON_SITE');
    const cases: [unknown, string[]][] = [
      [{ body: '' }, ['body.body']],
      [{ body: ' \n ' }, ['body.body']],
      [{ body: 'x'.repeat(2001) }, ['body.body']],
      [{ body: ['a'] }, ['body.body']],
      [{ body: 'ok', internal: 'yes' }, ['body.internal']],
      [{ body: 'ok', visibility: 'crew' }, ['body']],
      [{ body: 'ok', occurredAt: '2026-11-16' }, ['body.occurredAt']],
    ];
    for (const [body, fields] of cases) {
      const res = await note(wo.id, body);
      expect(res.status, JSON.stringify(body).slice(0, 60)).toBe(400);
      expect(fieldsOf(res.body)).toEqual(fields);
    }
    const late = await note(wo.id, { body: 'ok', occurredAt: '2026-11-20T00:00:00Z' });
    expect(late.status).toBe(422);
    expect((await events(wo.id)).filter((e) => e.type === 'note')).toEqual([]);
  });

  it("when the work order is another team's or another org's, then 404; a viewer gets 403", async () => {
    const wo = workOrderAt(w, 'ON_SITE');
    expect((await note(wo.id, { body: 'hi' }, w.tokens.tech2)).status).toBe(404);
    expect((await note(workOrderAt(other, 'ON_SITE').id, { body: 'hi' }, w.tokens.admin)).status).toBe(404);
    expect((await note(wo.id, { body: 'hi' }, w.tokens.viewer)).status).toBe(403);
    expect((await note(wo.id, { body: 'hi' }, null as unknown as string)).status).toBe(401);
    expect((await events(wo.id)).filter((e) => e.type === 'note')).toEqual([]);
  });
});
