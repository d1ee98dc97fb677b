import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHost, type TestHost } from '../testing/harness.js';
import { expectRoleMatrix, roleTokens, secondOrg } from '../people/fixtures.js';
import type { Role } from '../../db/schema/index.js';

let t: TestHost;
let admin: string;
let tokens: Record<Role, string>;

beforeAll(async () => {
  t = await startTestHost();
  ({ token: admin } = await t.setupOrg());
  tokens = await roleTokens(t, admin, 'audit');
});
afterAll(() => t.close());

describe('audit log', () => {
  it('when a row is created and changed, then its audit trail lists both, newest first, with the actor and before/after', async () => {
    t.clock.set(Date.parse('2026-11-16T10:00:00Z'));
    const skill = (await t.api('POST', '/api/v1/skills', { token: admin, body: { name: 'Audited' } })).body;
    t.clock.set(Date.parse('2026-11-16T10:05:00Z'));
    await t.api('PATCH', `/api/v1/skills/${skill.id}`, { token: admin, body: { category: 'misc' } });
    const res = await t.api('GET', `/api/v1/audit?entity=skills&entityId=${skill.id}`, { token: tokens.viewer });
    expect(res.status).toBe(200);
    expect(res.body.items.map((e: { action: string }) => e.action)).toEqual(['skills.update', 'skills.insert']);
    expect(res.body.items[0]).toMatchObject({
      actorName: 'Ada Admin',
      at: '2026-11-16T10:05:00.000Z',
      before: { category: null },
      after: { category: 'misc' },
    });
  });

  it('when paging with a cursor, then every entry comes once, newest first, with no secrets', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const qs: string = cursor ? `&cursor=${cursor}` : '';
      const res = await t.api('GET', `/api/v1/audit?limit=3${qs}`, { token: admin });
      seen.push(...res.body.items.map((e: { id: string; at: string }) => `${e.at}|${e.id}`));
      expect(JSON.stringify(res.body)).not.toContain('scrypt$');
      cursor = res.body.nextCursor;
    } while (cursor);
    const total = t.host.sqlite
      .prepare('SELECT count(*) FROM audit_log WHERE org_id = (SELECT org_id FROM users WHERE role = ? LIMIT 1)')
      .pluck()
      .get('admin');
    expect(seen).toHaveLength(total as number);
    expect(new Set(seen).size).toBe(seen.length);
    expect([...seen].sort().reverse()).toEqual(seen);
  });

  it("when another org reads the audit log, then it sees none of this org's entries", async () => {
    const other = await secondOrg(t);
    const res = await t.api('GET', '/api/v1/audit?entity=skills', { token: other.token });
    expect(res.body.items).toEqual([]);
  });

  it('when each role reads the audit log, then technicians are refused', async () => {
    await expectRoleMatrix(tokens, ['admin', 'dispatcher', 'supervisor', 'viewer'], (token) => t.api('GET', '/api/v1/audit', { token }));
  });
});
