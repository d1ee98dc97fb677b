import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTestHost, type TestHost } from '../testing/harness.js';
import { move, seedWorld, workOrderAt, type World } from './fixtures.js';
import { answerChecklistItem } from './service.js';
import { storeSignaturePng } from '../attachments/signature-sync.js';
import { DEMO_SIGNATURE_PNG } from '../seed/signature-image.js';
import { checklistResultId } from '../ids/natural.js';
import { levelsOffTheirMovements } from '../stock/fixtures.js';

let t: TestHost;
let w: World;

beforeAll(async () => {
  t = await startTestHost();
  w = await seedWorld(t);
});
afterAll(() => t.close());
// Usage moves stock by appending movements; the stored quantity must be their sum after every test.
afterEach(() => expect(levelsOffTheirMovements(t.host.sqlite)).toEqual([]));

const url = (id: string, rest = '') => `/api/v1/work-orders/${id}${rest}`;
const stock = () => t.host.sqlite.prepare('SELECT quantity FROM stock_levels WHERE item_id = ?').pluck().get(w.item) as number;
const onSiteWithChecklist = () => workOrderAt(w, 'ON_SITE', { templateId: w.template, type: undefined, priority: undefined });

describe('checklist', () => {
  it('when answers do not fit the item, then 400 with a message for body.value', async () => {
    const wo = onSiteWithChecklist();
    const cases: [string, unknown, RegExp][] = [
      ['isolated', 'yes', /true or false/],
      ['pressure', 12, /at most 10 bar/],
      ['pressure', -1, /at least 0/],
      ['pressure', '5', /number/],
      ['remarks', 'x'.repeat(2001), /2000/],
      ['remarks', true, /text/],
    ];
    for (const [item, value, message] of cases) {
      const res = await t.api('PUT', url(wo.id, `/checklist/${item}`), { token: w.tokens.tech1, body: { value } });
      expect(res.status, `${item}=${String(value).slice(0, 10)}`).toBe(400);
      expect(res.body.errors).toEqual([{ field: 'body.value', message: expect.stringMatching(message) }]);
    }
    expect((await t.api('PUT', url(wo.id, '/checklist/nope'), { token: w.tokens.tech1, body: { value: true } })).status).toBe(404);
    const view = await t.api('GET', url(wo.id, '/checklist'), { token: w.tokens.tech1 });
    expect(view.body.items.every((i: { answer: unknown }) => i.answer === null)).toBe(true);
  });

  it('when required items are unanswered, then completing is refused with 409 checklist_incomplete listing them', async () => {
    const wo = onSiteWithChecklist();
    const ok = await t.api('PUT', url(wo.id, '/checklist/isolated'), { token: w.tokens.tech1, body: { value: true, note: 'locked out' } });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ itemId: 'isolated', value: true, note: 'locked out', answeredBy: w.people.tech1 });

    const refused = await move(t, w.tokens.tech1, wo.id, 'COMPLETED');
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ code: 'checklist_incomplete', missing: [{ id: 'pressure', label: 'Outlet pressure' }] });

    // Re-answering updates the one answer (upsert), it does not add a second.
    answerChecklistItem(w.ctx, wo.id, 'pressure', { value: 3 });
    const re = await t.api('PUT', url(wo.id, '/checklist/pressure'), { token: w.tokens.tech1, body: { value: 4.5 } });
    expect(re.body).toMatchObject({ value: 4.5, version: 2 });
    expect(t.host.sqlite.prepare('SELECT count(*) FROM checklist_results WHERE work_order_id = ?').pluck().get(wo.id)).toBe(2);
    // Each answer's id comes from (org, work order, item), so another depot answering offline names the same row.
    const answerIds = t.host.sqlite
      .prepare('SELECT item_id AS itemId, id FROM checklist_results WHERE work_order_id = ? ORDER BY item_id')
      .all(wo.id) as { itemId: string; id: string }[];
    expect(answerIds).toEqual(['isolated', 'pressure'].map((itemId) => ({ itemId, id: checklistResultId(w.orgId, wo.id, itemId) })));

    const view = await t.api('GET', url(wo.id, '/checklist'), { token: w.tokens.tech1 });
    expect(view.body.complete).toBe(true);
    expect(
      view.body.items.map((i: { item: { id: string }; answer: { value: unknown } | null }) => [i.item.id, i.answer?.value ?? null]),
    ).toEqual([
      ['isolated', true],
      ['pressure', 4.5],
      ['remarks', null],
    ]);
    // This template also wants the customer's signature: the checklist alone is not enough.
    const unsigned = await move(t, w.tokens.tech1, wo.id, 'COMPLETED');
    expect(unsigned.status).toBe(409);
    expect(unsigned.body.code).toBe('signature_required');
    storeSignaturePng(w.ctx, wo.id, 'Pat Customer', DEMO_SIGNATURE_PNG);
    expect((await move(t, w.tokens.tech1, wo.id, 'COMPLETED')).status).toBe(200);
    const late = await t.api('PUT', url(wo.id, '/checklist/remarks'), { token: w.tokens.tech1, body: { value: 'after the fact' } });
    expect(late.status).toBe(409);
  });
});

describe('materials', () => {
  it('when material is used, then stock goes down in the same mutation and the usage is listed', async () => {
    const wo = workOrderAt(w, 'ON_SITE');
    const before = stock();
    const res = await t.api('POST', url(wo.id, '/materials'), {
      token: w.tokens.tech1,
      body: { itemId: w.item, depotId: w.depot, quantity: 3 },
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ sku: 'GASKET-50', quantity: 3, usedBy: w.people.tech1 });
    expect(stock()).toBe(before - 3);
    const movement = t.host.sqlite
      .prepare('SELECT kind, delta, work_order_id AS workOrderId, usage_id AS usageId FROM stock_movements WHERE usage_id = ?')
      .get(res.body.id);
    expect(movement).toEqual({ kind: 'usage', delta: -3, workOrderId: wo.id, usageId: res.body.id });
    const listed = await t.api('GET', url(wo.id, '/materials'), { token: w.tokens.viewer });
    expect(listed.body.items).toEqual([expect.objectContaining({ id: res.body.id, quantity: 3, unit: 'pcs' })]);
    const audit = await t.api('GET', url(wo.id, '/audit'), { token: w.tokens.viewer });
    expect(audit.body.items.map((a: { action: string }) => a.action)).toContain('material_usages.insert');
  });

  it('when there is not enough stock, then 409 insufficient_stock and nothing is recorded', async () => {
    const wo = workOrderAt(w, 'ON_SITE');
    const before = stock();
    const res = await t.api('POST', url(wo.id, '/materials'), {
      token: w.tokens.tech1,
      body: { itemId: w.item, depotId: w.depot, quantity: before + 1 },
    });
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ code: 'insufficient_stock', available: before, requested: before + 1 });
    expect(stock()).toBe(before);
    expect((await t.api('GET', url(wo.id, '/materials'), { token: w.tokens.viewer })).body.items).toEqual([]);
    const bad = await t.api('POST', url(wo.id, '/materials'), {
      token: w.tokens.tech1,
      body: { itemId: w.depot, depotId: w.depot, quantity: 1 },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.errors).toEqual([{ field: 'body.itemId', message: expect.any(String) }]);
  });
  it('when the stock item or the depot is deleted, then 400 names it and no usage or movement is recorded', async () => {
    const wo = workOrderAt(w, 'ON_SITE');
    const admin = w.tokens.admin;
    // Neither has a stock level: a level (or any live referrer) would keep it from being deleted.
    const item = (
      await t.api('POST', '/api/v1/stock-items', { token: admin, body: { sku: 'CLAMP-9', name: 'Clamp', kind: 'material', unit: 'pcs' } })
    ).body.id;
    const depot = (await t.api('POST', '/api/v1/depots', { token: admin, body: { code: 'OLD', name: 'Old yard', timeZone: 'UTC' } })).body
      .id;
    expect((await t.api('DELETE', `/api/v1/stock-items/${item}`, { token: admin })).status).toBe(204);
    expect((await t.api('DELETE', `/api/v1/depots/${depot}`, { token: admin })).status).toBe(204);
    const movements = () => t.host.sqlite.prepare('SELECT count(*) FROM stock_movements').pluck().get();
    const before = movements();
    const deletedItem = await t.api('POST', url(wo.id, '/materials'), {
      token: w.tokens.tech1,
      body: { itemId: item, depotId: w.depot, quantity: 1 },
    });
    expect(deletedItem.status).toBe(400);
    expect(deletedItem.body.errors).toEqual([{ field: 'body.itemId', message: 'no such stock item in this organization' }]);
    const deletedDepot = await t.api('POST', url(wo.id, '/materials'), {
      token: w.tokens.tech1,
      body: { itemId: w.item, depotId: depot, quantity: 1 },
    });
    expect(deletedDepot.status).toBe(400);
    expect(deletedDepot.body.errors).toEqual([{ field: 'body.depotId', message: 'no such depot in this organization' }]);
    expect((await t.api('GET', url(wo.id, '/materials'), { token: w.tokens.viewer })).body.items).toEqual([]);
    expect(movements()).toBe(before);
  });
});

describe('stock as movements', () => {
  type Step = { use: number } | { adjust: number };
  const steps: Step[] = [{ use: 0.1 }, { adjust: 2.35 }, { use: 0.2 }, { use: 1.15 }, { adjust: -0.7 }, { use: 3 }, { adjust: 0.05 }];

  async function newLevel(sku: string): Promise<{ itemId: string; levelId: string }> {
    const item = await t.api('POST', '/api/v1/stock-items', {
      token: w.tokens.admin,
      body: { sku, name: sku, kind: 'material', unit: 'm' },
    });
    expect(item.status).toBe(201);
    const level = await t.api('PUT', '/api/v1/stock-levels', {
      token: w.tokens.admin,
      body: { depotId: w.depot, itemId: item.body.id, quantity: 10 },
    });
    expect(level.status).toBe(201);
    return { itemId: item.body.id, levelId: level.body.id };
  }

  async function apply(level: { itemId: string; levelId: string }, order: Step[], woId: string): Promise<number> {
    for (const step of order) {
      const res =
        'use' in step
          ? await t.api('POST', url(woId, '/materials'), {
              token: w.tokens.tech1,
              body: { itemId: level.itemId, depotId: w.depot, quantity: step.use },
            })
          : await t.api('POST', `/api/v1/stock-levels/${level.levelId}/adjust`, {
              token: w.tokens.admin,
              body: { delta: step.adjust, reason: 'recount' },
            });
      expect(res.status, JSON.stringify(step)).toBeLessThan(300);
    }
    return (await t.api('GET', `/api/v1/stock-levels/${level.levelId}`, { token: w.tokens.admin })).body.quantity;
  }

  it('when the same usages and adjustments arrive in different orders, then the quantities are the same', async () => {
    const wo = workOrderAt(w, 'ON_SITE');
    const forward = await apply(await newLevel('ORDER-A'), steps, wo.id);
    const backward = await apply(await newLevel('ORDER-B'), [...steps].reverse(), wo.id);
    const shuffled = await apply(
      await newLevel('ORDER-C'),
      [steps[3]!, steps[1]!, steps[6]!, steps[0]!, steps[5]!, steps[2]!, steps[4]!],
      wo.id,
    );
    // 10 − 0.1 + 2.35 − 0.2 − 1.15 − 0.7 − 3 + 0.05, rounded to six decimals: no 7.249999999999999.
    expect([forward, backward, shuffled]).toEqual([7.25, 7.25, 7.25]);
  });
});

describe('closure approval', () => {
  it('when a supervisor rejects without a comment, then 400; with one, the work goes back to DISPATCHED', async () => {
    const wo = workOrderAt(w, 'COMPLETED');
    const bare = await t.api('POST', url(wo.id, '/closure'), { token: w.tokens.supervisor, body: { decision: 'rejected' } });
    expect(bare.status).toBe(400);
    expect(bare.body.errors).toEqual([{ field: 'body.comment', message: expect.any(String) }]);
    const res = await t.api('POST', url(wo.id, '/closure'), {
      token: w.tokens.supervisor,
      body: { decision: 'rejected', comment: 'Photos missing' },
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'DISPATCHED', completedAt: null, closedAt: null });
    const approvals = await t.api('GET', url(wo.id, '/closure'), { token: w.tokens.tech1 });
    expect(approvals.body.items).toEqual([
      expect.objectContaining({ decision: 'rejected', comment: 'Photos missing', decidedBy: w.people.supervisor }),
    ]);

    // The crew finishes again: a second pending request, approved this time.
    for (const to of ['EN_ROUTE', 'ON_SITE', 'COMPLETED']) expect((await move(t, w.tokens.tech1, wo.id, to)).status).toBe(200);
    const approved = await t.api('POST', url(wo.id, '/closure'), { token: w.tokens.admin, body: { decision: 'approved' } });
    expect(approved.body.status).toBe('CLOSED');
    const all = await t.api('GET', url(wo.id, '/closure'), { token: w.tokens.viewer });
    expect(all.body.items.map((a: { decision: string }) => a.decision)).toEqual(['rejected', 'approved']);
    const again = await t.api('POST', url(wo.id, '/closure'), { token: w.tokens.admin, body: { decision: 'approved' } });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('illegal_transition');
  });

  it('when work is not completed, then a closure decision is 409', async () => {
    const wo = workOrderAt(w, 'ON_SITE');
    const res = await t.api('POST', url(wo.id, '/closure'), { token: w.tokens.supervisor, body: { decision: 'approved' } });
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ code: 'illegal_transition', allowed: expect.arrayContaining(['COMPLETED']) });
  });
});
