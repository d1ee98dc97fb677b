import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHost, type TestHost } from '../testing/harness.js';
import { seedWorld, workOrderAt, type World } from './fixtures.js';
import type { WorkOrderDto } from './contract.js';

let t: TestHost;
let w: World;
let all: WorkOrderDto[];
const ids = (items: { id: string }[]) => items.map((i) => i.id);

beforeAll(async () => {
  t = await startTestHost({ now: '2026-11-16T08:00:00Z' });
  w = await seedWorld(t);
  const base = { type: 'corrective' as const, priority: 'low' as const };
  const specs = [
    { status: 'NEW', input: { ...base, title: 'Hydrant leaking on Elm Street', assigneeId: undefined, teamId: undefined } },
    {
      status: 'NEW',
      input: {
        ...base,
        title: 'Streetlight flicker',
        priority: 'high' as const,
        assigneeId: undefined,
        teamId: undefined,
        locationId: w.loc2,
      },
    },
    {
      status: 'SCHEDULED',
      input: { ...base, title: 'Pump vibration', assetId: w.asset, locationId: w.loc1, plannedStart: '2026-11-20T09:00:00Z' },
    },
    {
      status: 'DISPATCHED',
      input: { ...base, title: 'Gully blocked', type: 'inspection' as const, teamId: w.teams.bravo, assigneeId: w.people.tech2 },
    },
    {
      status: 'EN_ROUTE',
      input: { ...base, title: 'Sign knocked over', priority: 'critical' as const, type: 'emergency' as const, projectId: w.project },
    },
    {
      status: 'ON_SITE',
      input: { ...base, title: 'Manhole cover rattles', priority: 'medium' as const, description: 'Loud "clunk" when buses pass' },
    },
    { status: 'ON_HOLD', input: { ...base, title: 'Bench repaint', type: 'preventive' as const } },
    { status: 'COMPLETED', input: { ...base, title: 'Valve exercise', priority: 'high' as const } },
    { status: 'CLOSED', input: { ...base, title: 'Leak survey', plannedStart: '2026-11-30T09:00:00Z' } },
    { status: 'CANCELLED', input: { ...base, title: 'Duplicate report' } },
    { status: 'NEW', input: { ...base, title: 'Tree roots lifting kerb', locationId: w.loc2 } },
    { status: 'NEW', input: { ...base, title: 'Leaf clearance', priority: 'medium' as const } },
  ] as const;
  all = [];
  for (const s of specs) {
    t.clock.advance(60_000);
    all.push(workOrderAt(w, s.status, s.input));
  }
});
afterAll(() => t.close());

async function list(query: string, token = w.tokens.viewer) {
  const res = await t.api('GET', `/api/v1/work-orders?${query}`, { token });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body as { items: WorkOrderDto[]; nextCursor: string | null };
}

const where = (pred: (wo: WorkOrderDto) => boolean) => ids(all.filter(pred)).sort();

describe('listing work orders', () => {
  it('when no filter is given, then the newest come first with ISO times, version and SLA state', async () => {
    const page = await list('limit=500');
    expect(ids(page.items)).toEqual(ids(all).reverse());
    expect(page.nextCursor).toBeNull();
    expect(page.items[0]).toMatchObject({ createdAt: expect.stringMatching(/Z$/), version: expect.any(Number), slaState: null });
  });

  const filters: [string, (wo: WorkOrderDto) => boolean][] = [
    ['status=NEW', (wo) => wo.status === 'NEW'],
    ['status=NEW,ON_HOLD,CLOSED', (wo) => ['NEW', 'ON_HOLD', 'CLOSED'].includes(wo.status)],
    ['priority=high', (wo) => wo.priority === 'high'],
    ['priority=critical,medium', (wo) => ['critical', 'medium'].includes(wo.priority)],
    ['type=inspection', (wo) => wo.type === 'inspection'],
    ['type=emergency,preventive', (wo) => ['emergency', 'preventive'].includes(wo.type)],
    ['unassigned=true', (wo) => wo.assigneeId === null],
    ['unassigned=false', (wo) => wo.assigneeId !== null],
    ['plannedFrom=2026-11-19T00:00:00Z&plannedTo=2026-11-21T00:00:00Z', (wo) => wo.plannedStart === '2026-11-20T09:00:00.000Z'],
  ];
  it.each(filters)('when filtered by %s, then exactly the matching work orders come back', async (query, pred) => {
    const expected = where(pred);
    expect(expected.length).toBeGreaterThan(0);
    expect(ids((await list(`limit=500&${query}`)).items).sort()).toEqual(expected);
  });

  it('when filtered by id-valued fields, then exactly the matching work orders come back', async () => {
    const cases: [string, (wo: WorkOrderDto) => boolean][] = [
      [`teamId=${w.teams.bravo}`, (wo) => wo.teamId === w.teams.bravo],
      [`assigneeId=${w.people.tech2}`, (wo) => wo.assigneeId === w.people.tech2],
      [`locationId=${w.loc2}`, (wo) => wo.locationId === w.loc2],
      [`assetId=${w.asset}`, (wo) => wo.assetId === w.asset],
      [`projectId=${w.project}`, (wo) => wo.projectId === w.project],
      [`status=NEW&locationId=${w.loc2}&priority=low`, (wo) => wo.status === 'NEW' && wo.locationId === w.loc2 && wo.priority === 'low'],
    ];
    for (const [query, pred] of cases) {
      const expected = where(pred);
      expect(expected.length, query).toBeGreaterThan(0);
      expect(ids((await list(`limit=500&${query}`)).items).sort(), query).toEqual(expected);
    }
  });

  it('when filtered by a resolution due range, then only work due inside it comes back', async () => {
    const due = all.filter((wo) => wo.resolutionDueAt !== null);
    expect(due.length).toBeGreaterThan(0);
    const at = due[0]!.resolutionDueAt!;
    const inRange = await list(`limit=500&dueFrom=${at}&dueTo=${at}`);
    expect(ids(inRange.items).sort()).toEqual(where((wo) => wo.resolutionDueAt === at));
    expect((await list('limit=500&dueTo=2000-01-01T00:00:00Z')).items).toEqual([]);
  });

  it('when paging with a small limit, then three pages cover everything once in order', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page = await list(`limit=5${cursor ? `&cursor=${cursor}` : ''}`);
      seen.push(...ids(page.items));
      cursor = page.nextCursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen).toEqual(ids(all).reverse());
  });

  const sorts: [string, (x: WorkOrderDto) => number | null][] = [
    // One depot (MAIN) numbers them all here, so the running number after the prefix orders them.
    ['number', (x) => Number(/^MAIN-(\d{6})$/.exec(x.number)?.[1])],
    ['-number', (x) => -Number(/^MAIN-(\d{6})$/.exec(x.number)?.[1])],
    ['priority', (x) => ['critical', 'high', 'medium', 'low'].indexOf(x.priority)],
    ['updatedAt', (x) => Date.parse(x.updatedAt)],
    ['plannedStart', (x) => (x.plannedStart ? Date.parse(x.plannedStart) : null)],
    ['-dueAt', (x) => (x.resolutionDueAt ? -Date.parse(x.resolutionDueAt) : null)],
  ];
  it.each(sorts)('when sorted by %s and paged by 4, then the order holds across pages', async (sort, key) => {
    const seen: WorkOrderDto[] = [];
    let cursor: string | null = null;
    do {
      const page = await list(`limit=4&sort=${sort}${cursor ? `&cursor=${cursor}` : ''}`);
      seen.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toHaveLength(all.length);
    expect(new Set(ids(seen)).size).toBe(all.length);
    const keys = seen.map(key);
    // NULLs first ascending and last descending, as SQLite orders them.
    const rank = (k: number | null) => (k === null ? (sort.startsWith('-') ? Infinity : -Infinity) : k);
    for (let i = 1; i < keys.length; i++) expect(rank(keys[i]!), `${sort} at ${i}`).toBeGreaterThanOrEqual(rank(keys[i - 1]!));
  });

  it('when searching text, then words match by prefix across title and description', async () => {
    expect(ids((await list('q=leak')).items).sort()).toEqual(where((wo) => /leak/i.test(wo.title)));
    expect(ids((await list('q=hydrant%20elm')).items)).toEqual([all[0]!.id]);
    expect(ids((await list('q=clunk')).items)).toEqual([all[5]!.id]);
    expect((await list('q=nothing-like-this')).items).toEqual([]);
  });

  it('when searching a work-order number, then "3", "MAIN-3", "main3" and "MAIN-000003" all find it, and another prefix does not', async () => {
    const third = all.find((wo) => wo.number === 'MAIN-000003')!;
    expect(third).toBeDefined();
    for (const q of ['3', '0003', 'MAIN-3', 'main3', 'MAIN-000003', 'main-000003']) {
      expect(ids((await list(`q=${q}`)).items), q).toEqual([third.id]);
    }
    for (const q of ['AVM-3', 'WO-000003', 'MAIN-4000', 'M%N-3', 'MA_N-3'])
      expect((await list(`q=${encodeURIComponent(q)}`)).items, q).toEqual([]);
  });

  it('when the search text holds FTS syntax, then it is searched as plain words, never an error', async () => {
    for (const q of ['"', 'leak*', 'NOT leak', '(elm', 'a:b', '-', '"clunk"', 'leak OR tree']) {
      const res = await t.api('GET', `/api/v1/work-orders?q=${encodeURIComponent(q)}`, { token: w.tokens.viewer });
      expect(res.status, q).toBe(200);
    }
    expect(ids((await list(`q=${encodeURIComponent('"clunk"')}`)).items)).toEqual([all[5]!.id]);
  });

  it('when the query is bad, then 400 names the parameter', async () => {
    const cases: [string, string][] = [
      ['status=DONE', 'query.status'],
      ['sort=colour', 'query.sort'],
      ['cursor=garbage', 'query.cursor'],
      ['teamId=42', 'query.teamId'],
      ['limit=0', 'query.limit'],
      ['dueFrom=yesterday', 'query.dueFrom'],
      ['colour=red', 'query'],
    ];
    for (const [query, field] of cases) {
      const res = await t.api('GET', `/api/v1/work-orders?${query}`, { token: w.tokens.viewer });
      expect(res.status, query).toBe(400);
      const fields = (res.body.errors as { field: string }[]).map((e) => e.field);
      expect(
        fields.some((f) => f === field || f.startsWith(`${field}.`)),
        `${query}: ${fields.join()}`,
      ).toBe(true);
    }
  });

  it("when the board asks for its column counts, then each status's count is the list's under the same filters, for every role's scope", async () => {
    const tally = (items: WorkOrderDto[]) =>
      items.reduce<Record<string, number>>((acc, wo) => ({ ...acc, [wo.status]: (acc[wo.status] ?? 0) + 1 }), {});
    for (const [query, token] of [
      ['', w.tokens.viewer],
      [`teamId=${w.teams.bravo}`, w.tokens.dispatcher],
      ['priority=high,medium&slaState=ok', w.tokens.viewer],
      ['slaState=breached', w.tokens.viewer],
      ['unassigned=true', w.tokens.viewer],
      ['q=leak', w.tokens.viewer],
      ['', w.tokens.tech2],
    ] as const) {
      const res = await t.api('GET', `/api/v1/work-orders/counts?${query}`, { token });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      const listed = (await list(`${query}${query ? '&' : ''}limit=500`, token)).items;
      const expected = tally(listed);
      const nonZero = Object.fromEntries(Object.entries(res.body.byStatus as Record<string, number>).filter(([, n]) => n > 0));
      expect(nonZero, query || 'no filter').toEqual(expected);
      expect(res.body.total).toBe(listed.length);
      expect(Object.keys(res.body.byStatus)).toHaveLength(9);
    }
    const bad = await t.api('GET', '/api/v1/work-orders/counts?status=DONE&limit=5', { token: w.tokens.viewer });
    expect(bad.status).toBe(400);
    expect((await t.api('GET', '/api/v1/work-orders/counts')).status).toBe(401);
  });
});
