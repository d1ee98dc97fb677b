import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { skills, slaPolicies, stockItems, teamMembers } from '../../db/schema/index.js';
import { mutate } from '../core/mutate.js';
import { startTestHost, type TestHost } from '../testing/harness.js';
import { seedWorld, type World } from '../work-orders/fixtures.js';
import { naturalId } from './natural.js';
import { naturalIdFor } from './natural-key.js';

/**
 * Issue 13, deterministic ids: rows whose policy says their natural key names one thing (`same-row`)
 * get their id from it, so two depots creating "the same" skill, SKU or team seat offline name one row.
 */

let t: TestHost;
let w: World;
beforeAll(async () => {
  t = await startTestHost();
  w = await seedWorld(t);
});
afterAll(() => t.close());

describe('natural-key ids', () => {
  it('when two depots of one org derive the id of the same skill, SKU or seat, then they get the same id, and another org another one', () => {
    const org = 'org-a';
    expect(naturalIdFor('skills', org, { name: 'Confined spaces' })).toBe(naturalIdFor('skills', org, { name: 'Confined spaces' }));
    expect(naturalIdFor('skills', org, { name: 'Confined spaces' })).not.toBe(naturalIdFor('skills', 'org-b', { name: 'Confined spaces' }));
    expect(naturalIdFor('stock_items', org, { sku: 'VLV-50' })).toBe(naturalId('stock_items', org, 'VLV-50'));
    expect(naturalIdFor('team_members', org, { teamId: 't1', userId: 'u1' })).toBe(naturalId('team_members', org, 't1', 'u1'));
    // Tables whose natural key may repeat between depots keep random ids (locations by code: a conflict rule).
    expect(naturalIdFor('locations', org, { code: 'L-1' })).toBeNull();
    // A null key part never names a row: NULLs repeat under a unique index.
    expect(naturalIdFor('stock_items', org, { sku: null })).toBeNull();
  });

  it('when rows are created through the write path, then same-row tables take the derived id and others a fresh one', () => {
    const ctx = t.ctxFor(w.orgId);
    const made = mutate(ctx, 'test.natural', (wr) => ({
      skill: wr.insert(skills, { name: 'Hot tapping', category: 'test' }),
      item: wr.insert(stockItems, { sku: 'NAT-1', name: 'Gate valve 50 mm', kind: 'material', unit: 'each' }),
      seat: wr.insert(teamMembers, { teamId: w.teams.bravo, userId: w.people.tech1 }),
    }));
    expect(made.skill.id).toBe(naturalId('skills', w.orgId, 'Hot tapping'));
    expect(made.item.id).toBe(naturalId('stock_items', w.orgId, 'NAT-1'));
    expect(made.seat.id).toBe(naturalId('team_members', w.orgId, w.teams.bravo, w.people.tech1));
    const policy = t.host.db.select().from(slaPolicies).all()[0];
    expect(policy?.id).toBe(naturalId('sla_policies', w.orgId, policy!.type, String(policy!.priority)));
  });
});
