import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WORK_ORDER_STATUSES } from '../../db/schema/index.js';
import { startTestHost, type TestHost } from '../testing/harness.js';
import { drainAsApplied, pageFromBatches } from '../testing/sync-page.js';
import { seedWorld, workOrderAt, type World } from '../work-orders/fixtures.js';
import { applyPullPage } from './pull-apply.js';
import { BULK_SEARCH_INDEX_FROM } from './search-index.js';
import { recordEnrolment } from './sync-state.js';

/**
 * A page with many new work orders reads their status histories in one statement (derived.ts
 * StatusHistories): the stamps a receiver derives must be the ones the origin's services wrote, for
 * every status a work order can have reached, as on a page of one (depot-sync.test.ts).
 */

let a: TestHost;
let b: TestHost;
let world: World;
const HUB = { hubUrl: 'https://hub.example.test', credential: 'c'.repeat(43), hubOrgId: '0190a000-0000-7000-8000-000000000003' };
const STATUSES = WORK_ORDER_STATUSES;
const DERIVED =
  'id, status, response_due_at, response_at_risk_at, resolution_due_at, resolution_at_risk_at, responded_at, completed_at, closed_at, cancelled_at, on_hold_since, held_from_status, sla_paused_ms';

beforeAll(async () => {
  a = await startTestHost();
  b = await startTestHost();
  world = await seedWorld(a, 'Bulkhaven');
  for (let i = 0; i < BULK_SEARCH_INDEX_FROM + 13; i++) {
    a.clock.advance(7 * 60_000);
    workOrderAt(world, STATUSES[i % STATUSES.length]!, { priority: i % 2 ? 'high' : 'low' });
  }
}, 120_000);

afterAll(async () => {
  await a?.close();
  await b?.close();
});

describe('derived stamps of a page of many new work orders', () => {
  it('when one page brings them with their histories, then every due time and status stamp equals the origin’s', () => {
    recordEnrolment(b.host, world.orgId, { ...HUB, replicaOrgId: world.orgId });
    const page = pageFromBatches(drainAsApplied(a.host, world.orgId, 2_000), { orgId: world.orgId });
    expect(page.rows.filter((r) => r.t === 'work_orders').length).toBeGreaterThanOrEqual(BULK_SEARCH_INDEX_FROM);
    expect(applyPullPage(b.host, world.orgId, page).applied).toBe(true);
    const derived = (t: TestHost) =>
      t.host.sqlite.prepare(`SELECT ${DERIVED} FROM work_orders WHERE org_id = ? ORDER BY id`).all(world.orgId);
    const origin = derived(a);
    expect(new Set(origin.map((w) => (w as { status: string }).status))).toEqual(new Set(STATUSES));
    // A history that was not read would leave respondedAt, completedAt, … null on B.
    expect(origin.some((w) => (w as { responded_at: number | null }).responded_at !== null)).toBe(true);
    expect(derived(b)).toEqual(origin);
  });
});
