import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHost, type TestHost } from '../../testing/harness.js';
import { createVia, move, seedWorld, workOrderAt, type World } from '../../work-orders/fixtures.js';
import { withoutCensus } from '../../testing/write-census.js';
import type { ActivityReportDto } from './contract.js';

let t: TestHost;
let w: World;
let other: World;

beforeAll(async () => {
  t = await startTestHost({ now: '2026-11-16T10:00:00Z' });
  w = await seedWorld(t);
  other = await seedWorld(t, 'Hillside');
  // Monday 10:00 UTC: the dispatcher raises one; the system drives another to on site.
  await createVia(t, w, { title: 'Burst main' });
  const onSite = workOrderAt(w, 'ON_SITE');
  await createVia(t, other, { title: 'Not ours' });
  // 23:30 UTC the same Monday: the technician completes it.
  t.clock.set('2026-11-16T23:30:00Z');
  const done = await move(t, w.tokens.tech1, onSite.id, 'COMPLETED');
  expect(done.status).toBe(200);
});
afterAll(() => t.close());

async function report(from: string, to: string, token = w.tokens.supervisor) {
  return t.api<ActivityReportDto>('GET', `/api/v1/reports/activity?from=${from}&to=${to}`, { token });
}

const person = (r: ActivityReportDto, userId: string | null) => r.people.find((p) => p.userId === userId);

describe('activity per person per day', () => {
  it('when the org counts days in UTC, then each person’s creations, changes and completions land on their day', async () => {
    const res = await report('2026-11-16T00:00:00Z', '2026-11-18T00:00:00Z');
    expect(res.status).toBe(200);
    const r = res.body;
    expect(r.days).toEqual(['2026-11-16', '2026-11-17']);
    expect(person(r, w.people.dispatcher)).toMatchObject({ name: 'dispatcher of Riverside', role: 'dispatcher', created: 1, completed: 0 });
    expect(person(r, w.people.dispatcher)!.perDay[0]!.created).toBe(1);
    const tech = person(r, w.people.tech1)!;
    expect(tech).toMatchObject({ created: 0, updated: 1, completed: 1 });
    expect(tech.perDay.map((d) => d.completed)).toEqual([1, 0]);
    // The system's scheduling and moves (created, then four status changes) count as the system's.
    expect(person(r, null)).toMatchObject({ name: 'System', created: 1, updated: 4, completed: 0 });
    expect(r.totals).toEqual({
      created: r.people.reduce((s, p) => s + p.created, 0),
      updated: r.people.reduce((s, p) => s + p.updated, 0),
      completed: 1,
    });
    // Another organization's people and work never appear.
    expect(r.people.some((p) => p.userId === other.people.dispatcher)).toBe(false);
    expect(r.totals.created).toBe(2);
  });

  it('when the org is in Auckland, then 23:30 UTC on Monday counts on its Tuesday', async () => {
    withoutCensus(t.host.sqlite, 'a test moves the org to another zone', () =>
      t.host.sqlite.prepare("UPDATE organizations SET time_zone = 'Pacific/Auckland' WHERE id = ?").run(w.orgId),
    );
    try {
      // Monday 00:00 and Wednesday 00:00 in Auckland (UTC+13 in November).
      const r = (await report('2026-11-15T11:00:00Z', '2026-11-17T11:00:00Z')).body;
      expect(r.zone).toBe('Pacific/Auckland');
      expect(r.days).toEqual(['2026-11-16', '2026-11-17']);
      expect(person(r, w.people.dispatcher)!.perDay.map((d) => d.created)).toEqual([1, 0]);
      expect(person(r, w.people.tech1)!.perDay.map((d) => d.completed)).toEqual([0, 1]);
    } finally {
      withoutCensus(t.host.sqlite, 'restore the zone', () =>
        t.host.sqlite.prepare("UPDATE organizations SET time_zone = 'UTC' WHERE id = ?").run(w.orgId),
      );
    }
  });

  it('when a technician asks, then 403; with a period backwards or longer than 92 days, then 400 naming "to"', async () => {
    expect((await report('2026-11-16T00:00:00Z', '2026-11-18T00:00:00Z', w.tokens.tech1)).status).toBe(403);
    expect((await report('2026-11-16T00:00:00Z', '2026-11-18T00:00:00Z', w.tokens.viewer)).status).toBe(200);
    const backwards = await report('2026-11-18T00:00:00Z', '2026-11-16T00:00:00Z');
    expect(backwards.status).toBe(400);
    expect(JSON.stringify(backwards.body)).toContain('query.to');
    expect((await report('2026-01-01T00:00:00Z', '2026-11-16T00:00:00Z')).status).toBe(400);
    expect((await report('yesterday', '2026-11-16T00:00:00Z')).status).toBe(400);
    expect((await t.api('GET', '/api/v1/reports/activity?from=2026-11-16T00:00:00Z&to=2026-11-18T00:00:00Z')).status).toBe(401);
  });
});
