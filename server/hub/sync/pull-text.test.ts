import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../testing/pg.js';
import { migrateHub } from '../db/migrate.js';
import { createHubPool, withOrg } from '../db/pool.js';
import { PullPage, type PushBatch, type PushChange, type PushMutation } from '../../sync/contract-protocol.js';
import { applyPush } from './push.js';
import { readPull, readPullText, ResnapshotRequiredError, type PullRequest } from './pull.js';
import { readPullInJs } from './pull-oracle.js';
import { startTestHub, type TestHub } from '../testing.js';
import { HELD_FROM } from './merge.js';
import { batch, hlc, mutation, setupChanges, workOrderInsert } from './testing.js';

/** Later than every stamp below, so none is from the future (merge.ts hubHlc). */
const HUB_NOW = 1_900_000_000_000;

let db: TestDatabase;
let pool: pg.Pool;
let su: pg.Client;

beforeAll(async () => {
  db = await createTestDatabase();
  await migrateHub(db.url);
  pool = createHubPool(db.url, { max: 4 });
  su = new pg.Client({ connectionString: db.url });
  await su.connect();
});

afterAll(async () => {
  await su?.end();
  await pool?.end();
  await db?.drop();
});

const update = (t: string, r: string, f: Record<string, unknown>): PushChange => ({ t, r, op: 'update', f });

/** Values whose JSON text PostgreSQL and JSON.stringify spell differently (or must escape) but which read the same. */
const AWKWARD = [
  { label: 'quote " backslash \\ newline \n tab \t bell \u0007 line-sep \u2028 é 漢 🚧', done: false },
  { weight: 0.1 + 0.2, tiny: 5e-324, big: 1e21, neg: -12.5, exp: 1.5e-7, zero: 0, none: null, nested: { list: [1, 'two', []] } },
];

/**
 * An org with rows edited field by field at different versions: work orders created, retitled,
 * reprioritised and moved along the lifecycle (status is an intent column, with its clock), a team
 * soft-deleted, a share link hard-deleted (a gone row), and a fact per mutation (events, audit rows).
 * Returns the org and its version.
 */
async function variedOrg(): Promise<{ orgId: string; version: number }> {
  const orgId = randomUUID();
  const admin = randomUUID();
  const node = randomUUID();
  await su.query('INSERT INTO hub_orgs (id, name, slug, created_at) VALUES ($1, $2, $2, 1)', [orgId, orgId]);
  const wos = Array.from({ length: 6 }, () => randomUUID());
  const team = randomUUID();
  const share = randomUUID();
  let seq = 1;
  const m = (changes: PushChange[], audit = false): PushMutation => {
    seq += 1;
    return mutation({
      seq,
      actorId: admin,
      hlc: hlc(1_700_000_000_000 + seq * 1_000, 'n1', seq % 3),
      changes,
      audit: audit
        ? [
            {
              id: randomUUID(),
              actorId: admin,
              action: 'work_order.update',
              entity: 'work_order',
              entityId: changes[0]!.r,
              before: null,
              after: { note: AWKWARD[0]!.label, n: 0.1 + 0.2 },
              requestId: null,
              at: seq,
            },
          ]
        : [],
    });
  };
  const event = (wo: string, type: string): PushChange => ({
    t: 'work_order_events',
    r: randomUUID(),
    op: 'insert',
    f: { work_order_id: wo, type, at: seq, data: { awkward: AWKWARD } },
  });
  const ms: PushMutation[] = [
    mutation({ seq: 1, actorId: 'system:setup', action: 'org.setup', changes: setupChanges(orgId, admin) }),
    m([{ t: 'teams', r: team, op: 'insert', f: { name: 'Night crew "B"', created_at: 1 } }]),
    ...wos.map((wo, i) => {
      const insert = workOrderInsert(wo, `AVM-${i}`);
      return m([{ ...insert, f: { ...insert.f, checklist: AWKWARD } }]);
    }),
    m([update('work_orders', wos[0]!, { title: AWKWARD[0]!.label }), event(wos[0]!, 'edited')], true),
    m([update('work_orders', wos[1]!, { priority: 'high', team_id: team }), event(wos[1]!, 'edited')]),
    m([update('work_orders', wos[0]!, { status: { from: 'NEW', to: 'SCHEDULED', v: 1 } }), event(wos[0]!, 'scheduled')], true),
    m([{ t: 'share_links', r: share, op: 'insert', f: { work_order_id: wos[2]!, code_hint: 'ab', expires_at: 9 } }]),
    m([update('work_orders', wos[2]!, { description: null, duration_min: 90 })]),
    m([{ t: 'share_links', r: share, op: 'delete', f: null }]),
    m([update('teams', team, { deleted_at: 4_000, deleted_by: admin })], true),
    m([update('work_orders', wos[3]!, { status: { from: 'NEW', to: 'CANCELLED', v: 1 } }), update('work_orders', wos[4]!, { title: 'x' })]),
    m([update('work_orders', wos[1]!, { title: 'late' }), event(wos[1]!, 'edited')]),
    // On hold: the hub keeps the status it was held from in the row's fields, with no version; it never travels.
    m([update('work_orders', wos[5]!, { status: { from: 'NEW', to: 'SCHEDULED', v: 1 } })]),
    m([update('work_orders', wos[5]!, { status: { from: 'SCHEDULED', to: 'ON_HOLD', v: 1 }, hold_reason: 'rain' })]),
  ];
  const push = (b: PushBatch) => withOrg(pool, orgId, (tx) => applyPush(tx, { orgId, nodeId: node, now: HUB_NOW }, b));
  await push(batch(node, ms.slice(0, 1)));
  const answer = await push(batch(node, ms.slice(1), { afterSeq: 1 }));
  expect(answer.results.map((r) => r.outcome)).toEqual(ms.slice(1).map(() => 'applied'));
  const held = await su.query<{ fields: Record<string, unknown> }>('SELECT fields FROM rows WHERE org_id = $1 AND row_id = $2', [
    orgId,
    wos[5],
  ]);
  expect(held.rows[0]!.fields).toHaveProperty([HELD_FROM], 'SCHEDULED');
  return { orgId, version: answer.version };
}

/** By version, then table and id: entries sharing a version come in any order, on both paths. */
function sorted(page: PullPage): PullPage {
  const key = (x: { v: number; t: string; r: string }) => `${String(x.v).padStart(12, '0')} ${x.t} ${x.r}`;
  const byKey = <T extends { v: number; t: string; r: string }>(xs: T[]) =>
    [...xs].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
  return { ...page, rows: byKey(page.rows), facts: byKey(page.facts) };
}

const q = (after: number, limit: number, since?: number): PullRequest => ({ after, limit, schema: 1, since });

describe('readPullText: the page PostgreSQL writes as JSON', () => {
  it('when an org is paged from every cursor with several limits, then every page reads as the JS-built page did', async () => {
    const { orgId, version } = await variedOrg();
    let pages = 0;
    const seen = { gone: 0, c: 0, omittedC: 0, u: 0, facts: 0, partial: 0 };
    // Every catch-up start, so a field changed exactly at `since` (not sent) and just after it (sent) both occur.
    for (let start = 0; start <= version; start++) {
      for (const limit of start % 4 === 0 ? [1, 2, 3, 7, 1_000] : [2, 1_000]) {
        let after = start;
        for (;;) {
          const [text, oracle] = await withOrg(
            pool,
            orgId,
            async (tx) =>
              [
                await readPullText(tx, { orgId }, q(after, limit, start)),
                await readPullInJs(tx, { orgId }, q(after, limit, start)),
              ] as const,
          );
          const page = PullPage.parse(JSON.parse(text));
          expect(sorted(page)).toStrictEqual(sorted(oracle));
          // Within a page rows and facts come in version order, as before (entries sharing a version in any order).
          for (const list of [page.rows, page.facts]) expect(list.map((x) => x.v)).toEqual(list.map((x) => x.v).sort((a, b) => a - b));
          expect(typeof (JSON.parse(text) as { to: unknown }).to).toBe('number');
          pages += 1;
          expect(text).not.toContain(HELD_FROM);
          for (const r of page.rows) {
            if (r.gone) seen.gone += 1;
            if (r.c) seen.c += 1;
            else if (r.t === 'work_orders' && !r.gone) seen.omittedC += 1;
            if (r.u !== undefined) seen.u += 1;
            if (r.t === 'work_orders' && !r.gone && Object.keys(r.f).length < 10) seen.partial += 1;
          }
          seen.facts += page.facts.length;
          if (!page.more) break;
          expect(page.to).toBeGreaterThan(after);
          after = page.to;
        }
      }
    }
    // The org exercised what it was built for: the comparison is not of empty pages.
    expect(pages).toBeGreaterThan(100);
    expect(Object.values(seen).every((n) => n > 0)).toBe(true);
  });

  it('when a row was edited on an earlier version than the page, then since (not after) decides which fields it holds', async () => {
    const { orgId } = await variedOrg();
    const all = await withOrg(pool, orgId, (tx) => readPull(tx, { orgId }, q(0, 1_000)));
    // A work order created near the start and retitled near the end: paged from just before the retitle.
    const v = all.rows.find((r) => r.f.title === 'late')!.v;
    const wide = await withOrg(pool, orgId, (tx) => readPull(tx, { orgId }, q(v - 1, 1_000, 0)));
    expect(wide).toStrictEqual(await withOrg(pool, orgId, (tx) => readPullInJs(tx, { orgId }, q(v - 1, 1_000, 0))));
    const row = wide.rows.find((r) => r.f.title === 'late')!;
    expect(row.f).toMatchObject({ title: 'late', priority: 'high', number: 'AVM-1' });
    const narrow = await withOrg(pool, orgId, (tx) => readPull(tx, { orgId }, q(v - 1, 1_000)));
    expect(narrow.rows.find((r) => r.r === row.r)!.f).toStrictEqual({ title: 'late' });
  });

  it('when the page is JSON text, then its keys come in the contract order and numbers are numbers', async () => {
    const { orgId } = await variedOrg();
    const text = await withOrg(pool, orgId, (tx) => readPullText(tx, { orgId }, q(0, 1_000)));
    expect(text.startsWith('{"after":0,"to":')).toBe(true);
    const page = JSON.parse(text) as PullPage;
    const scheduled = page.rows.find((r) => r.c)!;
    expect(Object.keys(scheduled)).toEqual(['t', 'r', 'v', 'f', 'c', 'u']);
    expect(Object.keys(page.rows.find((r) => r.gone)!)).toEqual(['t', 'r', 'v', 'f', 'gone']);
    expect(text).toContain(`"c":{"status":"${scheduled.c!.status}"},"u":${scheduled.u}}`);
    expect(text).toMatch(/^\{"after":0,"to":\d+,"more":false,"rows":\[\{"t":"[a-z_]+","r":"[^"]+","v":\d+,"f":/);
  });

  it('when a page is large, then it is jsonb text as PostgreSQL wrote it; when small, then compact as JSON.stringify wrote it', async () => {
    const orgId = randomUUID();
    const [admin, node] = [randomUUID(), randomUUID()];
    await su.query('INSERT INTO hub_orgs (id, name, slug, created_at) VALUES ($1, $2, $2, 1)', [orgId, orgId]);
    const push = (b: PushBatch) => withOrg(pool, orgId, (tx) => applyPush(tx, { orgId, nodeId: node, now: HUB_NOW }, b));
    await push(batch(node, [mutation({ seq: 1, actorId: 'system:setup', action: 'org.setup', changes: setupChanges(orgId, admin) })]));
    const inserts = Array.from({ length: 300 }, (_, i) => {
      const insert = workOrderInsert(randomUUID(), `AVM-${i}`);
      return mutation({ seq: i + 2, actorId: admin, changes: [{ ...insert, f: { ...insert.f, checklist: AWKWARD } }] });
    });
    await push(batch(node, inserts, { afterSeq: 1 }));
    const read = (r: PullRequest) =>
      withOrg(pool, orgId, async (tx) => [await readPullText(tx, { orgId }, r), await readPullInJs(tx, { orgId }, r)] as const);
    const [big, bigOracle] = await read(q(0, 1_000));
    expect(big).toContain('"f":{"seq": 1, ');
    expect(sorted(PullPage.parse(JSON.parse(big)))).toStrictEqual(sorted(bigOracle));
    // One work order per version from 3 on: no ties, so the small page is the old one byte for byte.
    const [small, smallOracle] = await read(q(10, 20));
    expect(small).toBe(JSON.stringify(smallOracle));
  });

  it('when the cursor is older than the floor or past the hub, or since is past after, then the checks answer as before', async () => {
    const { orgId, version } = await variedOrg();
    await su.query('UPDATE hub_orgs SET floor_version = 3 WHERE id = $1', [orgId]);
    const read = (r: PullRequest) => withOrg(pool, orgId, (tx) => readPullText(tx, { orgId }, r)).catch((e: unknown) => e);
    expect(await read(q(2, 10))).toBeInstanceOf(ResnapshotRequiredError);
    expect(await read(q(version + 1, 10))).toBeInstanceOf(ResnapshotRequiredError);
    expect(await read({ ...q(0, 10), schema: 99 })).toBeInstanceOf(ResnapshotRequiredError);
    expect(await read(q(3, 10, 4))).toMatchObject({ status: 400 });
    // From 0 (a snapshot) and from the floor itself a page is served.
    expect(typeof (await read(q(0, 10)))).toBe('string');
    expect(typeof (await read(q(3, 10)))).toBe('string');
    expect(JSON.parse((await read(q(version, 10))) as string)).toStrictEqual({
      after: version,
      to: version,
      more: false,
      rows: [],
      facts: [],
    });
  });
});

describe('GET /hub/v1/sync/pull', () => {
  let t: TestHub;
  beforeAll(async () => {
    t = await startTestHub();
  });
  afterAll(async () => {
    await t?.stop();
  });

  it('when a depot pulls, then the text page is application/json, gzip-encoded, and reads as the JS-built page', async () => {
    const org = await t.org();
    const code = await t.call('POST', '/hub/v1/enrolment-codes', { token: org.token });
    const [node, replica, admin] = [randomUUID(), randomUUID(), randomUUID()];
    const enrol = await t.call('POST', '/hub/v1/enrol', {
      body: { code: code.body.code, node, orgId: replica, depotCode: 'AVM', depotName: 'Avonmouth', schema: 1, version: '1.0.0' },
    });
    const credential = enrol.body.credential as string;
    const ms = [
      mutation({ seq: 1, actorId: 'system:setup', action: 'org.setup', changes: setupChanges(replica, admin) }),
      ...Array.from({ length: 30 }, (_, i) =>
        mutation({ seq: i + 2, actorId: admin, changes: [workOrderInsert(randomUUID(), `AVM-${i}`)] }),
      ),
    ];
    const pushed = await t.call('POST', '/hub/v1/sync/push', { token: credential, body: batch(node, ms) });
    expect(pushed.status).toBe(200);
    const res = await fetch(`${t.url}/hub/v1/sync/pull?after=0&limit=10&schema=1`, {
      headers: { authorization: `Bearer ${credential}`, 'accept-encoding': 'gzip' },
    });
    expect([res.status, res.headers.get('content-type'), res.headers.get('content-encoding')]).toEqual([
      200,
      'application/json; charset=utf-8',
      'gzip',
    ]);
    const page = PullPage.parse(await res.json());
    const oracle = await withOrg(t.hub.deps.pool, org.orgId, (tx) => readPullInJs(tx, { orgId: org.orgId }, q(0, 10)));
    expect(sorted(page)).toStrictEqual(sorted(oracle));
    expect(page.more).toBe(true);
    const gone = await t.call('GET', '/hub/v1/sync/pull?after=999999&schema=1', { token: credential });
    expect([gone.status, gone.type.split(';')[0], gone.body.code]).toEqual([410, 'application/problem+json', 'resnapshot_required']);
  });
});
