import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { depots, organizations } from '../../db/schema/index.js';
import { ManualClock } from '../core/clock.js';
import { systemCtx, type Ctx } from '../core/context.js';
import { mutate } from '../core/mutate.js';
import { HOME_DEPOT_KEY, setHomeDepot } from '../depots/home.js';
import { createHost } from '../host.js';
import { startTestHost } from '../testing/harness.js';
import { WorkOrderListQuery } from './contract.js';
import { listWorkOrders } from './repo.js';
import { createWorkOrder } from './service.js';

/** Independent hosts on their own data dirs: no sync exists yet, so each is "offline" by construction. */
const ORG = '01930000-0000-7000-8000-00000000000a';
const DEPOTS = { AVM: '01930000-0000-7000-8000-0000000000a1', BTH: '01930000-0000-7000-8000-0000000000b1' } as const;

const hosts = new Set<ReturnType<typeof createHost>>();
const dirs: string[] = [];
afterEach(() => {
  for (const h of hosts) h.close();
  hosts.clear();
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

function openHost(dataDir?: string) {
  const dir = dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'dd-numbers-'));
  if (!dataDir) dirs.push(dir);
  const host = createHost({ dataDir: dir, clock: new ManualClock(Date.parse('2026-11-16T08:00:00Z')) });
  hosts.add(host);
  return host;
}

function closeHost(host: ReturnType<typeof createHost>) {
  hosts.delete(host);
  host.close();
}

/** The same org and depots, created identically on each host (as a later sync would leave them). */
function sameOrg(host: ReturnType<typeof createHost>, depotCodes: (keyof typeof DEPOTS)[] = ['AVM', 'BTH']): Ctx {
  const ctx = systemCtx(host, ORG, 'test');
  mutate(ctx, 'test.org', (w) => {
    w.insert(organizations, { id: ORG, name: 'Riverside', slug: 'riverside', timeZone: 'UTC' });
    for (const code of depotCodes) w.insert(depots, { id: DEPOTS[code], code, name: `${code} depot`, timeZone: 'UTC' });
  });
  host.commits.flush();
  return ctx;
}

function createMany(ctx: Ctx, n: number): string[] {
  const numbers: string[] = [];
  for (let i = 0; i < n; i++) numbers.push(createWorkOrder(ctx, { title: 'Routine job', type: 'corrective', priority: 'low' }).number);
  ctx.host.commits.flush();
  return numbers;
}

const search = (ctx: Ctx, q: string) => listWorkOrders(ctx, WorkOrderListQuery.parse({ q })).items.map((wo) => wo.number);

describe('work-order numbers', () => {
  it('when two depots of one org each create 1,000 work orders offline, then no number is issued twice', () => {
    const avm = openHost();
    const bth = openHost();
    const avmCtx = sameOrg(avm);
    const bthCtx = sameOrg(bth);
    setHomeDepot(avm, DEPOTS.AVM);
    setHomeDepot(bth, DEPOTS.BTH);
    const a = createMany(avmCtx, 1000);
    const b = createMany(bthCtx, 1000);
    expect(a[0]).toBe('AVM-000001');
    expect(a.at(-1)).toBe('AVM-001000');
    expect(b[0]).toBe('BTH-000001');
    expect(new Set([...a, ...b]).size).toBe(2000);
  });

  it('when the host restarts, then numbering continues where it stopped and never reuses a number', () => {
    const first = openHost();
    const ctx = sameOrg(first);
    setHomeDepot(first, DEPOTS.AVM);
    const before = createMany(ctx, 3);
    closeHost(first);
    const again = openHost(first.dataDir);
    const after = createMany(systemCtx(again, ORG, 'test'), 2);
    expect([...before, ...after]).toEqual(['AVM-000001', 'AVM-000002', 'AVM-000003', 'AVM-000004', 'AVM-000005']);
  });

  it("when no home depot is set, then the org's first depot by code numbers; one of another org is ignored", () => {
    const host = openHost();
    const ctx = sameOrg(host, ['BTH', 'AVM']);
    expect(host.sqlite.prepare('SELECT 1 FROM host_settings WHERE key = ?').get(HOME_DEPOT_KEY)).toBeUndefined();
    expect(createMany(ctx, 1)).toEqual(['AVM-000001']);
    setHomeDepot(host, '01930000-0000-7000-8000-0000000000ff'); // not a depot of this org
    expect(createMany(ctx, 1)).toEqual(['AVM-000002']);
    setHomeDepot(host, DEPOTS.BTH);
    expect(createMany(ctx, 1)).toEqual(['BTH-000001']);
  });

  it('when work orders were numbered WO- before depots prefixed them, then they stay findable and a depot coded "WO" continues after them', () => {
    const host = openHost();
    const ctx = sameOrg(host, []); // an org without depots numbers as before: WO-000001
    expect(createMany(ctx, 2)).toEqual(['WO-000001', 'WO-000002']);
    // Older hosts kept that count under another counter name; the new one must not start at 1 again.
    host.sqlite.prepare('DELETE FROM counters WHERE org_id = ?').run(ORG);
    mutate(ctx, 'test.depot', (w) => w.insert(depots, { id: DEPOTS.AVM, code: 'WO', name: 'Old-style code', timeZone: 'UTC' }));
    expect(createMany(ctx, 1)).toEqual(['WO-000003']);
    mutate(ctx, 'test.depot', (w) => w.insert(depots, { id: DEPOTS.BTH, code: 'AVM', name: 'Avonmouth', timeZone: 'UTC' }));
    setHomeDepot(host, DEPOTS.BTH);
    expect(createMany(ctx, 3)).toEqual(['AVM-000001', 'AVM-000002', 'AVM-000003']);
    ctx.host.commits.flush();
    expect(search(ctx, 'WO-2')).toEqual(['WO-000002']);
    expect(search(ctx, 'avm-000002')).toEqual(['AVM-000002']);
    expect(search(ctx, '2').sort()).toEqual(['AVM-000002', 'WO-000002']);
    expect(listWorkOrders(ctx, WorkOrderListQuery.parse({ sort: 'number' })).items.map((wo) => wo.number)).toEqual([
      'AVM-000001',
      'AVM-000002',
      'AVM-000003',
      'WO-000001',
      'WO-000002',
      'WO-000003',
    ]);
  });

  it('when first-run setup creates the depot, then this host numbers with that depot even after a depot that sorts first is added', async () => {
    const t = await startTestHost();
    try {
      const { token } = await t.setupOrg();
      const main = (await t.api('GET', '/api/v1/depots', { token })).body.items[0];
      expect(main.code).toBe('MAIN');
      const home = t.host.sqlite.prepare('SELECT value FROM host_settings WHERE key = ?').pluck().get(HOME_DEPOT_KEY) as string;
      expect(JSON.parse(home)).toBe(main.id);
      const added = await t.api('POST', '/api/v1/depots', { token, body: { code: 'AAA', name: 'Sorts first', timeZone: 'UTC' } });
      expect(added.status).toBe(201);
      const wo = await t.api('POST', '/api/v1/work-orders', { token, body: { title: 'Burst main', type: 'corrective', priority: 'high' } });
      expect(wo.status).toBe(201);
      expect(wo.body.number).toBe('MAIN-000001');
    } finally {
      await t.close();
    }
  });
});
