import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../testing/pg.js';
import { migrateHub } from '../db/migrate.js';
import { createHubPool, withOrg } from '../db/pool.js';
import type { PullPage, PushBatch, PushChange } from '../../sync/contract-protocol.js';
import { AppError } from '../../errors.js';
import { applyPush } from './push.js';
import { readPull } from './pull.js';
import { conflictEventIdFor } from './merge.js';
import { batch, hlc, mutation, setupChanges, workOrderInsert } from './testing.js';

/** The hub's clock here: later than every stamp the tests make, so none is from the future (merge.ts hubHlc). */
const HUB_NOW = 1_900_000_000_000;

let db: TestDatabase;
let pool: pg.Pool;
let su: pg.Client;

beforeAll(async () => {
  db = await createTestDatabase();
  await migrateHub(db.url);
  pool = createHubPool(db.url, { max: 6 });
  su = new pg.Client({ connectionString: db.url });
  await su.connect();
});

afterAll(async () => {
  await su?.end();
  await pool?.end();
  await db?.drop();
});

interface Org {
  orgId: string;
  admin: string;
  tech: string;
  node: string;
}

/** A hub org with a node, set up by a depot's first push (org row, admin, technician). */
async function newOrg(): Promise<Org> {
  const org: Org = { orgId: randomUUID(), admin: randomUUID(), tech: randomUUID(), node: randomUUID() };
  await su.query('INSERT INTO hub_orgs (id, name, slug, created_at) VALUES ($1, $2, $2, 1)', [org.orgId, org.orgId]);
  const setup = mutation({
    seq: 1,
    actorId: 'system:setup',
    action: 'org.setup',
    changes: setupChanges(org.orgId, org.admin, [{ id: org.tech, role: 'technician' }]),
  });
  const answer = await push(org, org.node, batch(org.node, [setup]));
  expect(answer.results[0]!.outcome).toBe('applied');
  return org;
}

const push = (org: Org, node: string, b: PushBatch) =>
  withOrg(pool, org.orgId, (tx) => applyPush(tx, { orgId: org.orgId, nodeId: node, now: HUB_NOW }, b));
const pull = (orgId: string, after: number, limit = 1000, since?: number) =>
  withOrg(pool, orgId, (tx) => readPull(tx, { orgId }, { after, limit, schema: 1, since }));
const update = (t: string, r: string, f: Record<string, unknown>): PushChange => ({ t, r, op: 'update', f });

async function counts(orgId: string) {
  const r = await su.query<{ rows: string; facts: string; applied: string; version: string | null }>(
    `SELECT (SELECT count(*) FROM rows WHERE org_id = $1) AS rows, (SELECT count(*) FROM facts WHERE org_id = $1) AS facts,
            (SELECT count(*) FROM applied_mutations WHERE org_id = $1) AS applied,
            (SELECT version FROM org_versions WHERE org_id = $1) AS version`,
    [orgId],
  );
  return r.rows[0]!;
}

async function rowOf(orgId: string, t: string, r: string) {
  const res = await su.query<{ fields: Record<string, unknown>; gone: boolean }>(
    'SELECT fields, gone FROM rows WHERE org_id = $1 AND tbl = $2 AND row_id = $3',
    [orgId, t, r],
  );
  return res.rows[0];
}

describe('applyPush', () => {
  it('when a batch is delivered twice, then the second is answered from storage as duplicates and applied once', async () => {
    const org = await newOrg();
    const wo = randomUUID();
    const b = batch(org.node, [mutation({ seq: 2, actorId: org.admin, changes: [workOrderInsert(wo, 'AVM-1')] })], { afterSeq: 1 });
    const first = await push(org, org.node, b);
    const before = await counts(org.orgId);
    const second = await push(org, org.node, b);
    expect(first.results[0]).toMatchObject({ outcome: 'applied', version: 2 });
    expect(second.results[0]).toMatchObject({ outcome: 'duplicate', version: 2 });
    expect([second.ackedSeq, second.version]).toEqual([2, 2]);
    expect(await counts(org.orgId)).toEqual(before);
  });

  it('when the acknowledgement was lost and the depot resends from an older seq, then the applied part is duplicate and the rest applies', async () => {
    const org = await newOrg();
    const [a, b2] = [randomUUID(), randomUUID()];
    const m2 = mutation({ seq: 2, actorId: org.admin, changes: [workOrderInsert(a, 'AVM-1')] });
    await push(org, org.node, batch(org.node, [m2], { afterSeq: 1 }));
    const m3 = mutation({ seq: 3, actorId: org.admin, changes: [workOrderInsert(b2, 'AVM-2')] });
    const resend = await push(org, org.node, batch(org.node, [m2, m3], { afterSeq: 1 }));
    expect(resend.results.map((r) => r.outcome)).toEqual(['duplicate', 'applied']);
    expect(resend.ackedSeq).toBe(3);
    expect((await counts(org.orgId)).applied).toBe('3');
  });

  it('when a depot restored from a backup resends a keyed request under a new epoch and seq, then it is answered as a duplicate at the seq it was sent with', async () => {
    const org = await newOrg();
    // The mutation id is derived from the request's Idempotency-Key, so the replay carries the same id.
    const note = mutation({ seq: 2, actorId: org.admin, changes: [workOrderInsert(randomUUID(), 'AVM-1')] });
    await push(org, org.node, batch(org.node, [note], { afterSeq: 1 }));
    const before = await counts(org.orgId);
    const replay = await push(org, org.node, batch(org.node, [{ ...note, seq: 5 }], { epoch: 2, afterSeq: 4, toSeq: 5 })).catch(
      (e: unknown) => e,
    );
    // A new epoch starts at null; the restore's epoch is new to the hub.
    expect(replay).toMatchObject({ code: 'sync_gap' });
    const first = await push(org, org.node, batch(org.node, [{ ...note, seq: 1 }], { epoch: 2 }));
    expect(first.results).toEqual([expect.objectContaining({ id: note.id, seq: 1, outcome: 'duplicate' })]);
    expect(first.ackedSeq).toBe(1);
    expect(await counts(org.orgId)).toEqual(before);
  });

  it('when a newer depot pushes a column this hub has never had, then the hub keeps it, merges it and sends it on every pull', async () => {
    const org = await newOrg();
    const wo = randomUUID();
    const insert = workOrderInsert(wo, 'AVM-1');
    const first = await push(
      org,
      org.node,
      batch(org.node, [mutation({ seq: 2, actorId: org.admin, changes: [{ ...insert, f: { ...insert.f, crew_size: 2 } }] })], {
        afterSeq: 1,
      }),
    );
    expect(first.results[0]!.outcome).toBe('applied');
    await push(
      org,
      org.node,
      batch(org.node, [mutation({ seq: 3, actorId: org.admin, changes: [update('work_orders', wo, { crew_size: 3 })] })], { afterSeq: 2 }),
    );
    expect((await rowOf(org.orgId, 'work_orders', wo))?.fields.crew_size).toBe(3);
    const page = await pull(org.orgId, 0);
    expect(page.rows.find((r) => r.r === wo)?.f.crew_size).toBe(3);
    // A catch-up from the last version carries it too, as a changed field.
    const since = await pull(org.orgId, page.to - 1);
    expect(since.rows.find((r) => r.r === wo)?.f).toMatchObject({ crew_size: 3 });
  });

  it('when a batch starts past what the hub acknowledged, then it is a 409 sync_gap with the expected seq and nothing is applied', async () => {
    const org = await newOrg();
    const before = await counts(org.orgId);
    const gap = batch(org.node, [mutation({ seq: 9, actorId: org.admin, changes: [workOrderInsert(randomUUID(), 'AVM-1')] })], {
      afterSeq: 5,
    });
    const err = await push(org, org.node, gap).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect(err).toMatchObject({ status: 409, code: 'sync_gap', extra: { expectedAfterSeq: 1 } });
    // A first batch of a new epoch that claims an earlier one was acknowledged is a gap too.
    const err2 = await push(org, org.node, { ...gap, epoch: 2 }).catch((e: unknown) => e);
    expect(err2).toMatchObject({ status: 409, extra: { expectedAfterSeq: null } });
    expect(await counts(org.orgId)).toEqual(before);
  });

  it('when two nodes write the same field, then the higher HLC wins whichever arrives first; different fields are both kept', async () => {
    for (const newerFirst of [false, true]) {
      const org = await newOrg();
      const other = randomUUID();
      const wo = randomUUID();
      await push(
        org,
        org.node,
        batch(org.node, [mutation({ seq: 2, actorId: org.admin, changes: [workOrderInsert(wo, 'AVM-1')] })], { afterSeq: 1 }),
      );
      const older = batch(
        org.node,
        [
          mutation({
            seq: 3,
            actorId: org.admin,
            hlc: hlc(5_000, 'a'),
            changes: [update('work_orders', wo, { title: 'A', description: 'from A' })],
          }),
        ],
        {
          afterSeq: 2,
        },
      );
      const newer = batch(other, [
        mutation({
          seq: 1,
          actorId: org.admin,
          hlc: hlc(6_000, 'b'),
          changes: [update('work_orders', wo, { title: 'B', priority: 'high' })],
        }),
      ]);
      const answers = newerFirst
        ? [await push(org, other, newer), await push(org, org.node, older)]
        : [await push(org, org.node, older), await push(org, other, newer)];
      const row = await rowOf(org.orgId, 'work_orders', wo);
      expect(row?.fields).toMatchObject({ title: 'B', description: 'from A', priority: 'high' });
      if (newerFirst) expect(answers[1]!.results[0]!.current).toEqual([{ t: 'work_orders', r: wo, f: { title: 'B' } }]);
    }
  });

  it('when a delete meets an update: a tombstone keeps the concurrent edit and stays deleted; a hard delete turns a later update into a conflict', async () => {
    const org = await newOrg();
    const team = randomUUID();
    const share = randomUUID();
    const wo = randomUUID();
    const answer = await push(
      org,
      org.node,
      batch(
        org.node,
        [
          mutation({
            seq: 2,
            actorId: org.admin,
            hlc: hlc(2_000),
            changes: [{ t: 'teams', r: team, op: 'insert', f: { name: 'N', created_at: 1 } }, workOrderInsert(wo, 'AVM-1')],
          }),
          mutation({
            seq: 3,
            actorId: org.admin,
            hlc: hlc(4_000),
            changes: [update('teams', team, { deleted_at: 4_000, deleted_by: org.admin })],
          }),
          mutation({ seq: 4, actorId: org.admin, hlc: hlc(3_000), changes: [update('teams', team, { color: '#00f' })] }),
          mutation({
            seq: 5,
            actorId: org.admin,
            hlc: hlc(5_000),
            changes: [{ t: 'share_links', r: share, op: 'insert', f: { work_order_id: wo, code_hint: 'ab', expires_at: 9 } }],
          }),
          mutation({ seq: 6, actorId: org.admin, hlc: hlc(6_000), changes: [{ t: 'share_links', r: share, op: 'delete', f: null }] }),
          mutation({ seq: 7, actorId: org.admin, hlc: hlc(5_500), changes: [update('share_links', share, { expires_at: 10 })] }),
        ],
        { afterSeq: 1 },
      ),
    );
    expect(answer.results.map((r) => r.outcome)).toEqual(['applied', 'applied', 'applied', 'applied', 'applied', 'conflict']);
    expect((await rowOf(org.orgId, 'teams', team))?.fields).toMatchObject({ deleted_at: 4_000, color: '#00f' });
    expect((await rowOf(org.orgId, 'share_links', share))?.gone).toBe(true);
    const page = await pull(org.orgId, 0);
    expect(page.rows.find((r) => r.r === share)).toMatchObject({ gone: true, f: {} });
  });

  it('when a status intent is stale, then the hub keeps its status and stores a conflict row and a sync_conflict event that pulls carry', async () => {
    const org = await newOrg();
    const other = randomUUID();
    const wo = randomUUID();
    await push(
      org,
      org.node,
      batch(org.node, [mutation({ seq: 2, actorId: org.admin, changes: [workOrderInsert(wo, 'AVM-1', 'SCHEDULED')] })], { afterSeq: 1 }),
    );
    await push(
      org,
      other,
      batch(other, [
        mutation({
          seq: 1,
          actorId: org.admin,
          changes: [update('work_orders', wo, { status: { from: 'SCHEDULED', to: 'CANCELLED', v: 1 } })],
        }),
      ]),
    );
    const stale = mutation({
      seq: 3,
      actorId: org.tech,
      changes: [update('work_orders', wo, { status: { from: 'SCHEDULED', to: 'ON_HOLD', v: 1 }, hold_reason: 'rain' })],
    });
    const answer = await push(org, org.node, batch(org.node, [stale], { afterSeq: 2 }));
    expect(answer.results[0]).toMatchObject({ outcome: 'conflict', code: 'stale_status', current: [{ f: { status: 'CANCELLED' } }] });
    expect((await rowOf(org.orgId, 'work_orders', wo))?.fields).toMatchObject({ status: 'CANCELLED', hold_reason: 'rain' });
    const c = await su.query('SELECT code, losing, kept FROM conflicts WHERE org_id = $1 AND mutation_id = $2', [org.orgId, stale.id]);
    expect(c.rows).toEqual([{ code: 'stale_status', losing: { from: 'SCHEDULED', to: 'ON_HOLD' }, kept: 'CANCELLED' }]);
    const page = await pull(org.orgId, 0);
    expect(page.facts.find((f) => f.r === conflictEventIdFor(stale.id, 0))).toMatchObject({
      t: 'work_order_events',
      f: { type: 'sync_conflict', work_order_id: wo },
    });
    // The kept status's clock is the winning move's HLC, so a depot stamps the transition at its time.
    expect(page.rows.find((r) => r.r === wo)?.c).toEqual({ status: hlc(1_001) });
  });

  it('when a batch holds forged mutations, then each is a recorded refusal, the good one still applies and nothing else changes', async () => {
    const org = await newOrg();
    const strangerOrg = await newOrg();
    const wo = randomUUID();
    await push(
      org,
      org.node,
      batch(org.node, [mutation({ seq: 2, actorId: org.admin, changes: [workOrderInsert(wo, 'AVM-1')] })], { afterSeq: 1 }),
    );
    const before = (await rowOf(org.orgId, 'work_orders', wo))!.fields;
    const answer = await push(
      org,
      org.node,
      batch(
        org.node,
        [
          mutation({ seq: 3, actorId: org.admin, changes: [{ t: 'hub_orgs', r: org.orgId, op: 'update', f: { name: 'x' } }] }),
          mutation({ seq: 4, actorId: org.admin, changes: [update('work_orders', wo, { sla_paused_ms: 5 })] }),
          mutation({ seq: 5, actorId: org.admin, changes: [update('work_orders', wo, { duration_min: 'sixty' })] }),
          mutation({ seq: 6, actorId: strangerOrg.admin, changes: [update('work_orders', wo, { title: 'other org' })] }),
          mutation({ seq: 7, actorId: 'system:sync', changes: [update('users', org.tech, { role: 'admin' })] }),
          mutation({ seq: 8, actorId: org.admin, changes: [update('work_orders', wo, { title: 'good' })] }),
        ],
        { afterSeq: 2 },
      ),
    );
    expect(answer.results.map((r) => r.code ?? r.outcome)).toEqual([
      'hub_outdated',
      'field_not_synced',
      'bad_value',
      'unknown_actor',
      'system_forbidden',
      'applied',
    ]);
    expect((await rowOf(org.orgId, 'work_orders', wo))?.fields).toEqual({ ...before, title: 'good' });
    expect((await rowOf(org.orgId, 'users', org.tech))?.fields.role).toBe('technician');
    const stored = await su.query('SELECT outcome, count(*)::int AS n FROM applied_mutations WHERE org_id = $1 GROUP BY 1 ORDER BY 1', [
      org.orgId,
    ]);
    expect(stored.rows).toEqual([
      { outcome: 'applied', n: 3 },
      { outcome: 'refused', n: 5 },
    ]);
  });

  it('when org B pushes a row id that org A has, then it is a new row of B; B pulls none of A and A keeps its own', async () => {
    const a = await newOrg();
    const b = await newOrg();
    const wo = randomUUID();
    await push(a, a.node, batch(a.node, [mutation({ seq: 2, actorId: a.admin, changes: [workOrderInsert(wo, 'A-1')] })], { afterSeq: 1 }));
    await push(
      b,
      b.node,
      batch(b.node, [mutation({ seq: 2, actorId: b.admin, changes: [update('work_orders', wo, { title: 'B was here' })] })], {
        afterSeq: 1,
      }),
    );
    expect((await rowOf(a.orgId, 'work_orders', wo))?.fields.title).toBe('Job A-1');
    expect((await rowOf(b.orgId, 'work_orders', wo))?.fields).toEqual({ title: 'B was here' });
    const page = await pull(b.orgId, 0);
    expect(
      page.rows
        .filter((r) => r.t === 'users')
        .map((r) => r.r)
        .sort(),
    ).toEqual([b.admin, b.tech].sort());
    expect(page.rows.find((r) => r.r === wo)?.f).toEqual({ title: 'B was here' });
  });

  it('when two nodes push the same org at once while a depot pages with a small limit, then versions have no gap and no row or fact is skipped', async () => {
    const org = await newOrg();
    const nodes = [org.node, randomUUID()];
    const wos = Array.from({ length: 6 }, () => randomUUID());
    await push(
      org,
      org.node,
      batch(
        org.node,
        wos.map((wo, i) => mutation({ seq: 2 + i, actorId: org.admin, changes: [workOrderInsert(wo, `AVM-${i}`)] })),
        { afterSeq: 1 },
      ),
    );
    const start = Number((await counts(org.orgId)).version);
    const rounds = 15;
    const perBatch = 4;
    const pusher = async (node: string, n: number) => {
      const versions: number[] = [];
      let after: number | null = node === org.node ? 7 : null;
      let seq = after ?? 0;
      for (let round = 0; round < rounds; round++) {
        const ms = Array.from({ length: perBatch }, (_, k) => {
          seq += 1;
          const wo = wos[(round + k + n) % wos.length]!;
          return mutation({
            seq,
            actorId: org.admin,
            hlc: hlc(10_000 + round * 10 + k, `node${n}`),
            changes: [
              update('work_orders', wo, n === 0 ? { title: `n0 r${round} k${k}` } : { description: `n1 r${round} k${k}` }),
              { t: 'work_order_events', r: randomUUID(), op: 'insert', f: { work_order_id: wo, type: 'edited', at: round } },
            ],
          });
        });
        const answer = await push(org, node, batch(node, ms, { afterSeq: after }));
        after = answer.ackedSeq;
        versions.push(...answer.results.map((r) => r.version!));
      }
      return versions;
    };
    // The puller: `since` stays where its catch-up began until a page says more: false.
    const seen = new Map<string, Record<string, unknown>>();
    const factIds: string[] = [];
    let cursor = 0;
    let since = 0;
    const pullOnce = async () => {
      const page = await pull(org.orgId, cursor, 7, since);
      expect(page.after).toBe(cursor);
      expect(page.to).toBeGreaterThanOrEqual(cursor);
      for (const r of page.rows) seen.set(`${r.t}/${r.r}`, { ...seen.get(`${r.t}/${r.r}`), ...r.f });
      factIds.push(...page.facts.map((f) => f.r));
      cursor = page.to;
      if (!page.more) since = cursor;
      return page;
    };
    let pushing = true;
    const puller = (async () => {
      while (pushing) await pullOnce();
    })();
    const [v0, v1] = await Promise.all([pusher(nodes[0]!, 0), pusher(nodes[1]!, 1)]).finally(() => (pushing = false));
    await puller;
    while ((await pullOnce()).more);
    const all = [...v0!, ...v1!].sort((x, y) => x - y);
    expect(all).toEqual(Array.from({ length: 2 * rounds * perBatch }, (_, i) => start + 1 + i));
    const snapshot = await pull(org.orgId, 0, 5_000);
    expect(cursor).toBe(snapshot.to);
    expect(Object.fromEntries(seen)).toEqual(Object.fromEntries(snapshot.rows.map((r) => [`${r.t}/${r.r}`, r.f])));
    expect(new Set(factIds).size).toBe(factIds.length);
    expect(factIds.sort()).toEqual(snapshot.facts.map((f) => f.r).sort());
  });

  it('when a row changed early and late in a multi-page catch-up, then paging with since delivers every field', async () => {
    const org = await newOrg();
    const wos = Array.from({ length: 5 }, () => randomUUID());
    await push(
      org,
      org.node,
      batch(
        org.node,
        wos.map((wo, i) => mutation({ seq: 2 + i, actorId: org.admin, changes: [workOrderInsert(wo, `AVM-${i}`)] })),
        { afterSeq: 1 },
      ),
    );
    await push(
      org,
      org.node,
      batch(
        org.node,
        [mutation({ seq: 7, actorId: org.admin, hlc: hlc(9_000), changes: [update('work_orders', wos[0]!, { title: 'late' })] })],
        { afterSeq: 6 },
      ),
    );
    const got = new Map<string, Record<string, unknown>>();
    let page: PullPage | undefined;
    let cursor = 0;
    do {
      page = await pull(org.orgId, cursor, 2, 0);
      for (const r of page.rows) got.set(r.r, { ...got.get(r.r), ...r.f });
      cursor = page.to;
    } while (page.more);
    expect(got.get(wos[0]!)).toMatchObject({ title: 'late', number: 'AVM-0', status: 'NEW' });
    expect(got.get(org.admin)).toMatchObject({ role: 'admin' });
  });

  it('when numbers are claimed across batches and nodes, then a taken one is refused, a freed one is taken, and the natural-key index holds each live claim', async () => {
    const org = await newOrg();
    const other = randomUUID();
    const [wo1, wo2, wo3] = [randomUUID(), randomUUID(), randomUUID()];
    const first = await push(
      org,
      org.node,
      batch(org.node, [mutation({ seq: 2, actorId: org.admin, changes: [workOrderInsert(wo1, 'AVM-1')] })], { afterSeq: 1 }),
    );
    expect(first.results[0]!.outcome).toBe('applied');
    const taken = await push(
      org,
      other,
      batch(other, [mutation({ seq: 1, actorId: org.admin, changes: [workOrderInsert(wo2, 'AVM-1')] })]),
    );
    expect(taken.results[0]).toMatchObject({ outcome: 'refused', code: 'natural_key_taken' });
    // Renumbered: AVM-1 is free again for the other node's next work order.
    await push(
      org,
      org.node,
      batch(
        org.node,
        [mutation({ seq: 3, actorId: org.admin, hlc: hlc(9_000), changes: [update('work_orders', wo1, { number: 'AVM-9' })] })],
        { afterSeq: 2 },
      ),
    );
    const freed = await push(
      org,
      other,
      batch(other, [mutation({ seq: 2, actorId: org.admin, changes: [workOrderInsert(wo3, 'AVM-1')] })], { afterSeq: 1 }),
    );
    expect(freed.results[0]!.outcome).toBe('applied');
    const nk = async () =>
      (
        await su.query<{ row_id: string; nk: string | null }>(
          `SELECT row_id, nk FROM rows WHERE org_id = $1 AND tbl IN ('work_orders', 'users') ORDER BY nk`,
          [org.orgId],
        )
      ).rows;
    const expected = [
      { row_id: wo3, nk: 'AVM-1' },
      { row_id: wo1, nk: 'AVM-9' },
      { row_id: org.admin, nk: 'admin@example.test' },
      { row_id: org.tech, nk: expect.stringMatching(/^technician-/) },
    ];
    expect(await nk()).toEqual(expected);
    // Migration 0002 fills nk for rows stored before it: the same values from the fields.
    const migration = fs.readFileSync(path.join(import.meta.dirname, '../db/migrations/0002_natural_keys.sql'), 'utf8');
    const backfill = migration.split('--> statement-breakpoint').find((st) => /UPDATE "rows"/.test(st))!;
    await su.query('UPDATE rows SET nk = NULL WHERE org_id = $1', [org.orgId]);
    await su.query(backfill.replace(/^\s*--.*$/gm, ''));
    expect(await nk()).toEqual(expected);
  });
});
