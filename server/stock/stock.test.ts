import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTestHost, type TestHost } from '../testing/harness.js';
import { expectRoleMatrix, historyOf, roleTokens, secondOrg } from '../people/fixtures.js';
import type { Role } from '../../db/schema/index.js';
import { stockLevelId } from '../ids/natural.js';
import { levelsOffTheirMovements } from './fixtures.js';

let t: TestHost;
let admin: string;
let orgId: string;
let tokens: Record<Role, string>;
let depotId: string;
let itemId: string;

beforeAll(async () => {
  t = await startTestHost();
  ({ token: admin, orgId } = await t.setupOrg());
  tokens = await roleTokens(t, admin, 'stock');
  depotId = (await t.api('GET', '/api/v1/depots', { token: admin })).body.items[0].id;
});
afterAll(() => t.close());
// The sum of a level's movements is the truth; the stored quantity must equal it after every test.
afterEach(() => expect(levelsOffTheirMovements(t.host.sqlite)).toEqual([]));

type Movement = { kind: string; delta: number; reason: string | null };
const movementsOf = async (levelId: string, query = '') =>
  (await t.api('GET', `/api/v1/stock-levels/${levelId}/movements${query}`, { token: tokens.viewer })).body as {
    items: Movement[];
    nextCursor: string | null;
  };

describe('stock items and levels', () => {
  it('when an item is created, then it is audited and its SKU is unique', async () => {
    const res = await t.api('POST', '/api/v1/stock-items', {
      token: tokens.dispatcher,
      body: { sku: 'PIPE-110', name: 'PE pipe 110mm', kind: 'material', unit: 'm' },
    });
    expect(res.status).toBe(201);
    itemId = res.body.id;
    expect(historyOf(t, itemId)).toEqual({
      audit: [{ action: 'stock_items.insert', entity: 'stock_items' }],
      changes: [{ tableName: 'stock_items', op: 'insert' }],
    });
    const dup = await t.api('POST', '/api/v1/stock-items', {
      token: admin,
      body: { sku: 'PIPE-110', name: 'x', kind: 'material', unit: 'm' },
    });
    expect(dup.body.errors).toEqual([{ field: 'body.sku', message: 'already used by another stock item' }]);
  });

  it('when a deleted SKU is created again, then the deleted item comes back with the new values instead of a twin', async () => {
    const body = { sku: 'VALVE-80', name: 'Gate valve 80mm', kind: 'material', unit: 'pcs' };
    const first = (await t.api('POST', '/api/v1/stock-items', { token: admin, body })).body;
    expect((await t.api('DELETE', `/api/v1/stock-items/${first.id}`, { token: admin })).status).toBe(204);
    const again = await t.api('POST', '/api/v1/stock-items', { token: tokens.dispatcher, body: { ...body, name: 'Gate valve DN80' } });
    expect(again.status).toBe(201);
    expect(again.body).toMatchObject({ id: first.id, sku: 'VALVE-80', name: 'Gate valve DN80', version: 3 });
    expect(t.host.sqlite.prepare("SELECT id, deleted_at AS d FROM stock_items WHERE sku = 'VALVE-80'").all()).toEqual([
      { id: first.id, d: null },
    ]);
    // Live again, so the SKU is taken once more.
    expect((await t.api('POST', '/api/v1/stock-items', { token: admin, body })).body.code).toBe('duplicate');
  });

  it('when a level is put twice, then the first creates (201) and the second sets the count (200), each as a count movement', async () => {
    const first = await t.api('PUT', '/api/v1/stock-levels', { token: admin, body: { depotId, itemId, quantity: 40, reorderLevel: 10 } });
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ quantity: 40, reorderLevel: 10, belowReorder: false, version: 1 });
    // The (depot, item) level has the id both depots would compute, so two first counts made offline name one row.
    expect(first.body.id).toBe(stockLevelId(orgId, depotId, itemId));
    const second = await t.api('PUT', '/api/v1/stock-levels', { token: admin, body: { depotId, itemId, quantity: 8 } });
    expect(second.status).toBe(200);
    expect(second.body).toMatchObject({ id: first.body.id, quantity: 8, reorderLevel: 10, belowReorder: true, version: 2 });
    const list = await t.api('GET', `/api/v1/stock-levels?depotId=${depotId}&itemId=${itemId}`, { token: tokens.viewer });
    expect(list.body.items).toHaveLength(1);
    expect((await movementsOf(first.body.id, '?sort=at')).items).toMatchObject([
      { kind: 'count', delta: 40 },
      { kind: 'count', delta: -32 },
    ]);
  });

  it('when stock is adjusted, then the quantity moves and the reason is on the movement; going below 0 is 409 and changes nothing', async () => {
    const level = (await t.api('GET', `/api/v1/stock-levels?itemId=${itemId}`, { token: admin })).body.items[0];
    const take = await t.api('POST', `/api/v1/stock-levels/${level.id}/adjust`, {
      token: admin,
      body: { delta: -5, reason: 'used on MAIN-000001' },
    });
    expect(take.status).toBe(200);
    expect(take.body.quantity).toBe(3);
    expect((await movementsOf(level.id)).items[0]).toMatchObject({ kind: 'adjustment', delta: -5, reason: 'used on MAIN-000001' });
    const audited = t.host.sqlite
      .prepare(
        "SELECT after FROM audit_log WHERE entity = 'stock_movements' AND action = 'stock_movements.insert' ORDER BY seq DESC LIMIT 1",
      )
      .pluck()
      .get() as string;
    expect(JSON.parse(audited)).toMatchObject({ delta: -5, reason: 'used on MAIN-000001', kind: 'adjustment' });
    // A delta below the kept precision would be no movement at all (the fuzz found 5e-324 as a 500).
    for (const delta of [5e-324, -1e-7, 2e9]) {
      const tiny = await t.api('POST', `/api/v1/stock-levels/${level.id}/adjust`, { token: admin, body: { delta, reason: 'rounding' } });
      expect(tiny.status, String(delta)).toBe(400);
    }
    const tooMuch = await t.api('POST', `/api/v1/stock-levels/${level.id}/adjust`, { token: admin, body: { delta: -4, reason: 'oops' } });
    expect(tooMuch.status).toBe(409);
    expect(tooMuch.body).toMatchObject({ code: 'insufficient_stock', available: 3 });
    expect((await t.api('GET', `/api/v1/stock-levels/${level.id}`, { token: admin })).body.quantity).toBe(3);
    expect((await movementsOf(level.id)).items).toHaveLength(3);
    expect((await t.api('POST', `/api/v1/stock-levels/${level.id}/adjust`, { token: admin, body: { delta: 0, reason: 'x' } })).status).toBe(
      400,
    );
    expect((await t.api('PUT', '/api/v1/stock-levels', { token: admin, body: { depotId, itemId, quantity: -1 } })).status).toBe(400);
  });

  it("when another org's depot, item or level is used, then 400 / 404", async () => {
    const other = await secondOrg(t);
    const res = await t.api('PUT', '/api/v1/stock-levels', { token: other.token, body: { depotId, itemId, quantity: 1 } });
    expect(res.status).toBe(400);
    expect(res.body.errors[0].field).toBe('body.depotId');
    const level = (await t.api('GET', '/api/v1/stock-levels', { token: admin })).body.items[0].id;
    expect(
      (await t.api('POST', `/api/v1/stock-levels/${level}/adjust`, { token: other.token, body: { delta: 1, reason: 'x' } })).status,
    ).toBe(404);
    expect((await t.api('GET', '/api/v1/stock-levels', { token: other.token })).body.items).toEqual([]);
  });

  it('when the movements of a level are listed, then they page newest first, filter by kind, and stay in their org', async () => {
    const level = (await t.api('GET', `/api/v1/stock-levels?itemId=${itemId}`, { token: admin })).body.items[0];
    for (const delta of [1, 2, 3]) {
      const res = await t.api('POST', `/api/v1/stock-levels/${level.id}/adjust`, {
        token: admin,
        body: { delta, reason: `delivery ${delta}` },
      });
      expect(res.status).toBe(200);
    }
    const all = (await movementsOf(level.id, '?limit=500')).items;
    const seen: Movement[] = [];
    let cursor: string | null = null;
    do {
      const page = await movementsOf(level.id, `?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(all);
    expect(all.slice(0, 3).map((m) => m.reason)).toEqual(['delivery 3', 'delivery 2', 'delivery 1']);
    // The level's quantity is exactly what its history adds up to.
    const sum = all.reduce((acc, m) => acc + m.delta, 0);
    expect((await t.api('GET', `/api/v1/stock-levels/${level.id}`, { token: admin })).body.quantity).toBe(sum);
    const counts = (await movementsOf(level.id, '?kind=count')).items;
    expect(counts.length).toBeGreaterThan(0);
    expect(counts.every((m) => m.kind === 'count')).toBe(true);

    const other = await secondOrg(t, 'Movement Spies');
    expect((await t.api('GET', `/api/v1/stock-levels/${level.id}/movements`, { token: other.token })).status).toBe(404);
    expect((await t.api('GET', `/api/v1/stock-levels/${level.id}/movements`)).status).toBe(401);
    expect((await t.api('GET', `/api/v1/stock-levels/${level.id}/movements?sort=delta`, { token: admin })).status).toBe(400);
  });

  it('when each role writes stock, then admins and dispatchers may', async () => {
    const level = (await t.api('GET', '/api/v1/stock-levels', { token: admin })).body.items[0].id;
    await expectRoleMatrix(tokens, ['admin', 'dispatcher'], (token, role) =>
      t.api('POST', '/api/v1/stock-items', { token, body: { sku: `S-${role}`, name: role, kind: 'equipment', unit: 'pcs' } }),
    );
    await expectRoleMatrix(tokens, ['admin', 'dispatcher'], (token) =>
      t.api('POST', `/api/v1/stock-levels/${level}/adjust`, { token, body: { delta: 1, reason: 'delivery' } }),
    );
    await expectRoleMatrix(tokens, ['admin', 'dispatcher'], (token) =>
      t.api('PUT', '/api/v1/stock-levels', { token, body: { depotId, itemId, quantity: 5 } }),
    );
  });
});
