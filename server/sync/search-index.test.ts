import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHost, type TestHost } from '../testing/harness.js';
import { drainAsApplied, pageFromBatches } from '../testing/sync-page.js';
import { createVia, PASSWORD, seedWorld, type World } from '../work-orders/fixtures.js';
import { applyPullPage } from './pull-apply.js';
import { BULK_SEARCH_INDEX_FROM } from './search-index.js';
import { recordEnrolment } from './sync-state.js';

/**
 * Work-order search on a depot that received its work orders by sync in pages big enough to index
 * in bulk (search-index.ts): what a dispatcher types finds them, before and after a renaming page.
 */

let a: TestHost;
let b: TestHost;
let world: World;
let bToken: string;
const HUB = { hubUrl: 'https://hub.example.test', credential: 'c'.repeat(43), hubOrgId: '0190a000-0000-7000-8000-000000000002' };
const COUNT = BULK_SEARCH_INDEX_FROM + 10;

const triggers = (t: TestHost) =>
  t.host.sqlite
    .prepare("SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'work_orders_fts_%' ORDER BY name")
    .pluck()
    .all();

async function search(q: string): Promise<string[]> {
  const res = await b.api('GET', `/api/v1/work-orders?q=${encodeURIComponent(q)}&limit=200`, { token: bToken });
  expect(res.status).toBe(200);
  return (res.body.items as { title: string }[]).map((w) => w.title).sort();
}

function integrityCheck(t: TestHost): void {
  // FTS5 raises SQLITE_CORRUPT_VTAB when the index does not match its content table.
  t.host.sqlite.prepare("INSERT INTO work_orders_fts (work_orders_fts, rank) VALUES ('integrity-check', 1)").run();
}

beforeAll(async () => {
  a = await startTestHost();
  b = await startTestHost();
  world = await seedWorld(a);
  for (let i = 0; i < COUNT; i++) await createVia(a, world, { title: `Hydrant flushing ${i} Quarrymoor` });
  recordEnrolment(b.host, world.orgId, { ...HUB, replicaOrgId: world.orgId });
  const page = pageFromBatches(drainAsApplied(a.host, world.orgId, 500), { orgId: world.orgId });
  expect(page.rows.filter((r) => r.t === 'work_orders').length).toBeGreaterThanOrEqual(BULK_SEARCH_INDEX_FROM);
  expect(applyPullPage(b.host, world.orgId, page).applied).toBe(true);
  // B's users came with the page, without their password hashes (secret, never synced): the
  // dispatcher sets one on B, here straight in B's table, and signs in.
  const { email, hash } = a.host.sqlite.prepare("SELECT email, password_hash AS hash FROM users WHERE email LIKE 'dispatcher@%'").get() as {
    email: string;
    hash: string;
  };
  b.host.sqlite.prepare('UPDATE users SET password_hash = ? WHERE email = ?').run(hash, email);
  const login = await b.api('POST', '/api/v1/auth/login', { body: { email, password: PASSWORD } });
  expect(login.status).toBe(200);
  bToken = login.body.token as string;
  // Everyone else came without a password, and B's admin screens say so (people.test.ts for the rest).
  const users = await b.api('GET', '/api/v1/users?limit=200', { token: bToken });
  const withPassword = (users.body.items as { email: string; hasPassword: boolean }[]).filter((u) => u.hasPassword).map((u) => u.email);
  expect(withPassword).toEqual([email]);
}, 120_000);

afterAll(async () => {
  await a?.close();
  await b?.close();
});

describe('search over work orders that came by sync', () => {
  it('when a page of many work orders is applied, then each is found by a word of its title and the index is whole', async () => {
    expect(await search('Quarrymoor')).toHaveLength(COUNT);
    expect(await search('flushing 7')).toContain('Hydrant flushing 7 Quarrymoor');
    integrityCheck(b);
    expect(triggers(b)).toEqual(triggers(a));
  });

  it('when a later page renames them, then the new words find them and the old ones no longer do', async () => {
    const ids = a.host.sqlite.prepare("SELECT id, version FROM work_orders WHERE title LIKE '%Quarrymoor'").all() as {
      id: string;
      version: number;
    }[];
    for (const w of ids) {
      const res = await a.api('PATCH', `/api/v1/work-orders/${w.id}`, {
        token: world.tokens.dispatcher,
        body: { title: 'Valve exercise Tanglewood' },
        headers: { 'if-match': `"${w.version}"` },
      });
      expect(res.status).toBe(200);
    }
    const cursor = b.host.sqlite.prepare('SELECT pull_cursor FROM sync_state').pluck().get() as number;
    const page = pageFromBatches(drainAsApplied(a.host, world.orgId, 500), { orgId: world.orgId, after: cursor });
    expect(applyPullPage(b.host, world.orgId, page).counts).toMatchObject({ updated: COUNT });
    expect(await search('Quarrymoor')).toEqual([]);
    expect(await search('Tanglewood')).toHaveLength(COUNT);
    integrityCheck(b);
    expect(triggers(b)).toEqual(triggers(a));
  });

  it('when a page fails half way, then nothing of it stays and search still follows every local edit', async () => {
    const cursor = b.host.sqlite.prepare('SELECT pull_cursor FROM sync_state').pluck().get() as number;
    const ids = b.host.sqlite.prepare('SELECT id FROM work_orders LIMIT ?').pluck().all(COUNT) as string[];
    const rows = ids.map((id) => ({ t: 'work_orders', r: id, v: cursor + 1, f: { title: 'Never applied Zebrafield' } }));
    rows.push({ t: 'work_orders', r: ids[0]!, v: cursor + 1, f: { title: 42 } as unknown as { title: string } });
    expect(() => applyPullPage(b.host, world.orgId, { after: cursor, to: cursor + 1, more: false, rows, facts: [] })).toThrow();
    expect(await search('Zebrafield')).toEqual([]);
    expect(triggers(b)).toEqual(triggers(a));
    // The triggers are back, so a local edit on B is searchable at once.
    const w = b.host.sqlite.prepare('SELECT id, version FROM work_orders WHERE id = ?').get(ids[1]) as { id: string; version: number };
    const res = await b.api('PATCH', `/api/v1/work-orders/${w.id}`, {
      token: bToken,
      body: { title: 'Local edit Brockley' },
      headers: { 'if-match': `"${w.version}"` },
    });
    expect(res.status).toBe(200);
    expect(await search('Brockley')).toEqual(['Local edit Brockley']);
    integrityCheck(b);
  });
});
