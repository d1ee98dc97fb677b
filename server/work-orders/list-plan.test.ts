import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { openDatabase, type Sqlite } from '../../db/client.js';
import { capturingDb, explainQueryPlan, gatherStats, type PlanRow } from '../testing/query-plans.js';
import type { Ctx } from '../core/context.js';
import { WORK_ORDER_SORT_KEYS, WorkOrderListQuery, type WorkOrderListFilter } from './contract.js';
import { NOT_NULL_SORTS } from './list-plan.js';
import { listWorkOrders, WORK_ORDER_SORTS } from './list-query.js';
import { slaState, type SlaWorkOrder } from '../sla/engine.js';

/**
 * The plan SQLite picks for every filter and sort the list offers, read with EXPLAIN QUERY PLAN over
 * a depot shaped like a real one (most work closed, a few open orders per status, a rare assignee,
 * type, project...), under the statistics the host gathers (bounded ANALYZE) and under full ones.
 * A page must never walk all of work_orders when one of its filters could seek a few rows.
 */

const ROWS = 12_000;
const ORG = 'org-1';
const NOW = Date.parse('2026-11-16T08:00:00Z');
const DAY = 86_400_000;

let dir: string;
let sqlite: Sqlite;
let ctx: Ctx;
let captured: { sql: string; params: unknown[] }[] = [];
/** The contract takes UUIDs: kind 1 team, 2 user, 3 location, 4 asset, 5 project. */
const uid = (kind: number, n: number) => `${kind}0000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const uidSql = (kind: number, n: string) => `printf('${kind}0000000-0000-4000-8000-%012d', ${n})`;

/** Seeds ROWS work orders in one statement; foreign keys off: the plans, not the references, are under test. */
function seed(db: Sqlite): void {
  db.pragma('foreign_keys = OFF');
  db.prepare(
    `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${ROWS})
     INSERT INTO work_orders (id, org_id, number, seq, title, description, type, priority, status, location_id, asset_id,
       project_id, team_id, assignee_id, required_skills, checklist, planned_start, duration_min, resolution_due_at,
       resolution_at_risk_at, response_due_at, responded_at, completed_at, created_at, updated_at)
     SELECT printf('wo-%06d', i), '${ORG}', printf('AVM-%06d', i), i,
       CASE WHEN i % 997 = 0 THEN 'Rare flange gasket' ELSE 'Pump inspection ' || (i % 50) END, NULL,
       CASE WHEN i % 100 = 0 THEN 'emergency' WHEN i % 3 = 0 THEN 'preventive' ELSE 'corrective' END,
       CASE WHEN i % 150 = 0 THEN 'critical' WHEN i % 4 = 0 THEN 'high' ELSE 'medium' END,
       CASE WHEN i > ${ROWS} - 40 THEN 'NEW' WHEN i % 500 = 1 THEN 'DISPATCHED' WHEN i % 500 = 2 THEN 'EN_ROUTE'
            WHEN i % 500 = 3 THEN 'ON_SITE' WHEN i % 500 = 4 THEN 'ON_HOLD' WHEN i % 40 = 5 THEN 'SCHEDULED'
            WHEN i % 12 = 0 THEN 'CANCELLED' WHEN i % 60 = 7 THEN 'COMPLETED' ELSE 'CLOSED' END,
       ${uidSql(3, 'i % 200')}, CASE WHEN i % 5 = 0 THEN NULL ELSE ${uidSql(4, 'i % 400')} END,
       CASE WHEN i % 300 = 0 THEN '${uid(5, 1)}' END, ${uidSql(1, 'i % 4')},
       CASE WHEN i % 11 = 0 THEN NULL WHEN i % 401 = 0 THEN '${uid(2, 999)}' ELSE ${uidSql(2, 'i % 19')} END,
       '[]', '[]', CASE WHEN i % 7 = 0 THEN ${NOW} + (i % 90) * ${DAY} END, 60,
       ${NOW} + (i - ${ROWS}) * 3600000, ${NOW} + (i - ${ROWS}) * 3600000 - 7200000, NULL, NULL, NULL,
       ${NOW} - (${ROWS} - i) * 60000, ${NOW} - (${ROWS} - i) * 60000
     FROM n`,
  ).run();
  // Half of the finished work met its due time, so "met" has pages to turn.
  db.exec("UPDATE work_orders SET completed_at = resolution_due_at - 3600000 WHERE status IN ('COMPLETED', 'CLOSED') AND seq % 2 = 0");
  db.pragma('foreign_keys = ON');
}

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'depotdesk-list-plan-'));
  const opened = openDatabase(path.join(dir, 'depotdesk.sqlite'));
  sqlite = opened.sqlite;
  seed(sqlite);
  const capture = capturingDb(sqlite);
  captured = capture.captured;
  const db = capture.db;
  const host = { db, sqlite, clock: { now: () => NOW } };
  // Only what listWorkOrders reads of a host; a whole host would add nothing the plans depend on.
  ctx = { host, orgId: ORG, actor: { userId: uid(2, 1), role: 'dispatcher', name: 'Dispatcher' } } as unknown as Ctx;
});
afterAll(() => {
  sqlite?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

/**
 * Per filter of the contract: query values, and whether the seeded data makes them few (so an index
 * seek is possible and a walk of the whole table is a defect). A filter added to the contract without
 * a case here fails the first test.
 */
const CASES: Record<string, { query: string; few: boolean }[]> = {
  status: [
    { query: 'status=DISPATCHED,EN_ROUTE,ON_SITE', few: true },
    { query: 'status=NEW', few: true },
    { query: 'status=CLOSED', few: false },
    { query: 'status=CLOSED,CANCELLED', few: false },
  ],
  priority: [
    { query: 'priority=critical', few: true },
    { query: 'priority=medium,high', few: false },
  ],
  type: [{ query: 'type=emergency', few: true }],
  teamId: [{ query: `teamId=${uid(1, 1)}`, few: false }],
  assigneeId: [{ query: `assigneeId=${uid(2, 999)}`, few: true }],
  unassigned: [
    { query: 'unassigned=true', few: false },
    { query: 'unassigned=false', few: false },
  ],
  locationId: [{ query: `locationId=${uid(3, 7)}`, few: true }],
  assetId: [{ query: `assetId=${uid(4, 9)}`, few: true }],
  projectId: [{ query: `projectId=${uid(5, 1)}`, few: true }],
  dueFrom: [{ query: `dueFrom=${new Date(NOW - 2 * DAY).toISOString()}`, few: true }],
  dueTo: [{ query: `dueTo=${new Date(NOW - 800 * DAY).toISOString()}`, few: true }],
  plannedFrom: [{ query: `plannedFrom=${new Date(NOW + 85 * DAY).toISOString()}`, few: true }],
  plannedTo: [{ query: `plannedTo=${new Date(NOW + 2 * DAY).toISOString()}`, few: true }],
  slaState: [
    { query: 'slaState=at_risk', few: true },
    { query: 'slaState=ok', few: true },
    { query: 'slaState=breached', few: false },
    { query: 'slaState=met', few: false },
  ],
  q: [
    { query: 'q=gasket', few: true },
    { query: 'q=pump', few: false },
    { query: 'q=AVM-000124', few: true },
  ],
};
const COMBINED = [
  { query: `teamId=${uid(1, 2)}&status=SCHEDULED`, few: true },
  { query: `status=NEW,ON_HOLD&assigneeId=${uid(2, 3)}`, few: true },
  { query: `slaState=at_risk&teamId=${uid(1, 1)}`, few: true },
  { query: 'q=pump&status=DISPATCHED', few: true },
  { query: 'type=emergency&priority=critical', few: true },
];
const NOT_FILTERS = new Set(['limit', 'cursor', 'sort']);

const NEXT_PAGE_SORTS = new Set(['-createdAt', 'updatedAt', '-priority', 'number', 'dueAt', '-plannedStart']);

interface Combo {
  query: string;
  few: boolean;
  sort: string;
  page: 'first' | 'next';
}
function combos(): Combo[] {
  const out: Combo[] = [];
  const filters = [{ query: '', few: false }, ...Object.values(CASES).flat(), ...COMBINED];
  for (const key of WORK_ORDER_SORTS)
    for (const sort of [key, `-${key}`])
      for (const c of filters) {
        out.push({ ...c, sort, page: 'first' });
        // A later page in one direction per key is enough to see whether the cursor bounds the walk.
        if (NEXT_PAGE_SORTS.has(sort)) out.push({ ...c, sort, page: 'next' });
      }
  return out;
}

/**
 * What is wrong with a plan for a page: a SCAN of work_orders (every row), or, when a filter could seek
 * few rows, a SEARCH constrained by org_id alone (in a one-org depot, every row again). Without such a
 * filter a walk of the sort index is right, if it needs no sort (it stops after a page) and, on a
 * later page of a column the cursor can bound, starts at the cursor.
 */
function planDefects(plan: PlanRow[], combo: Pick<Combo, 'few' | 'page' | 'sort'>): string[] {
  const defects: string[] = [];
  const sortsAll = plan.some((r) => r.detail === 'USE TEMP B-TREE FOR ORDER BY');
  for (const { detail } of plan) {
    if (!/^(SCAN|SEARCH) work_orders\b/.test(detail)) continue;
    if (detail.startsWith('SCAN')) {
      defects.push(`full ${detail.includes('INDEX') ? 'index walk' : 'table scan'}: ${detail}`);
      continue;
    }
    const constraint = /\((.*)\)$/.exec(detail)?.[1] ?? '';
    if (constraint !== 'org_id=?') continue;
    if (combo.few) defects.push(`walks every row although a filter could seek: ${detail}`);
    else if (sortsAll) defects.push(`walks every row and sorts them: ${detail}`);
    else if (combo.page === 'next' && NOT_NULL_SORTS.has(combo.sort.replace(/^-/, '')))
      defects.push(`a later page walks from the first row instead of the cursor: ${detail}`);
  }
  return defects;
}

function explain(sql: string, params: unknown[]): PlanRow[] {
  return explainQueryPlan(sqlite, sql, params);
}

/** Runs the page as the route would and returns the SQL of its main query (the last one it ran). */
function pageSql(c: Combo): { sql: string; params: unknown[]; page: Combo['page'] } {
  const parse = (extra: string) => WorkOrderListQuery.parse(Object.fromEntries(new URLSearchParams(`${c.query}&sort=${c.sort}${extra}`)));
  let f: WorkOrderListFilter = parse('');
  let page: Combo['page'] = 'first';
  if (c.page === 'next') {
    const first = listWorkOrders(ctx, { ...f, limit: 5 });
    if (first.nextCursor) [f, page] = [{ ...f, limit: 5, cursor: first.nextCursor }, 'next'];
  }
  captured.length = 0;
  listWorkOrders(ctx, f);
  return { ...captured.at(-1)!, page };
}

function defectsOfEveryCombo(): string[] {
  const found: string[] = [];
  for (const c of combos()) {
    const q = pageSql(c);
    for (const d of planDefects(explain(q.sql, q.params), { ...c, page: q.page }))
      found.push(`${c.query || '(no filter)'} sort=${c.sort} ${c.page}: ${d}`);
  }
  return found;
}

describe('work-order list plans', () => {
  it('when the contract offers a filter or sort, then this test has cases for it', () => {
    const filters = Object.keys(WorkOrderListQuery.shape).filter((k) => !NOT_FILTERS.has(k));
    expect(filters.filter((k) => !CASES[k])).toEqual([]);
    expect([...WORK_ORDER_SORTS].sort()).toEqual([...WORK_ORDER_SORT_KEYS].sort());
  });

  it('when the host has gathered its bounded statistics, then no filter or sort walks every work order', () => {
    gatherStats(sqlite, 'host');
    expect(defectsOfEveryCombo()).toEqual([]);
  });

  it('when the statistics are complete, then no filter or sort walks every work order', () => {
    gatherStats(sqlite, 'full');
    expect(defectsOfEveryCombo()).toEqual([]);
  });

  it('when given the plan the list had before (the created-at index walked for three statuses), then the check fails', () => {
    gatherStats(sqlite, 'host');
    const old = sqlite
      .prepare(
        `EXPLAIN QUERY PLAN SELECT * FROM work_orders INDEXED BY work_orders_org_created_idx WHERE org_id = ? AND status IN ('DISPATCHED', 'EN_ROUTE', 'ON_SITE')
         ORDER BY created_at DESC, id DESC LIMIT 51`,
      )
      .all(ORG) as PlanRow[];
    expect(old.map((r) => r.detail)).toEqual(['SEARCH work_orders USING INDEX work_orders_org_created_idx (org_id=?)']);
    expect(planDefects(old, { few: true, page: 'first', sort: '-createdAt' })).toHaveLength(1);
    const scan = [{ id: 2, parent: 0, detail: 'SCAN work_orders' }];
    expect(planDefects(scan, { few: false, page: 'first', sort: '-createdAt' })).toHaveLength(1);
  });

  it('when a page is sorted in memory, then it holds the same rows, in order, as the sort index gives', () => {
    gatherStats(sqlite, 'host');
    const run = (query: string) => listWorkOrders(ctx, WorkOrderListQuery.parse(Object.fromEntries(new URLSearchParams(query))));
    const page = run('status=DISPATCHED,EN_ROUTE,ON_SITE&sort=-updatedAt&limit=20').items;
    const expected = sqlite
      .prepare("SELECT id FROM work_orders WHERE status IN ('DISPATCHED','EN_ROUTE','ON_SITE') ORDER BY updated_at DESC, id DESC LIMIT 20")
      .pluck()
      .all();
    expect(page.map((w) => w.id)).toEqual(expected);
  });
  it('when a searched word becomes common while its count is remembered, then pages still hold the right rows, and the count is taken again after 30 s', () => {
    let now = NOW;
    const clocked = { ...ctx, host: { ...ctx.host, clock: { now: () => now } } } as Ctx;
    const counting = vi.spyOn(sqlite, 'prepare');
    const counts = () =>
      counting.mock.calls.filter(([text]) => String(text).includes('FROM work_orders_fts WHERE work_orders_fts MATCH ? LIMIT')).length;
    const run = () => listWorkOrders(clocked, WorkOrderListQuery.parse({ q: 'zebrafish', limit: '50' })).items.map((w) => w.id);
    sqlite.exec('SAVEPOINT stale_count');
    // Checked at commit, which never comes: the seeded org is not a row (the plans are under test, not references).
    sqlite.pragma('defer_foreign_keys = ON');
    try {
      expect(run()).toEqual([]);
      expect(counts()).toBe(1);
      // 1,500 matches: past FEW, so a fresh count would walk the sort index; the remembered 0 seeks the matches instead.
      sqlite.exec(
        `INSERT INTO work_orders (id, org_id, number, seq, title, type, priority, status, required_skills, checklist, duration_min, created_at, updated_at)
         WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1500)
         SELECT printf('zf-%06d', i), '${ORG}', printf('ZF-%06d', i), 900000 + i, 'Zebrafish tank ' || i, 'corrective', 'medium', 'NEW', '[]', '[]', 60,
           ${NOW} - i * 1000, ${NOW} - i * 1000 FROM n`,
      );
      const expected = sqlite
        .prepare("SELECT id FROM work_orders WHERE id LIKE 'zf-%' ORDER BY created_at DESC, id DESC LIMIT 50")
        .pluck()
        .all();
      expect(run()).toEqual(expected);
      now += 29_999;
      expect(run()).toEqual(expected);
      expect(counts()).toBe(1);
      now += 1;
      expect(run()).toEqual(expected);
      expect(counts()).toBe(2);
    } finally {
      counting.mockRestore();
      sqlite.exec('ROLLBACK TO stale_count; RELEASE stale_count');
    }
  });

  it('when the list asks for work at risk, then it reads the risk index and returns what the SLA engine calls at risk', () => {
    gatherStats(sqlite, 'host');
    const q = pageSql({ query: 'slaState=at_risk', few: true, sort: '-createdAt', page: 'first' });
    expect(explain(q.sql, q.params).map((r) => r.detail)).toContainEqual(expect.stringContaining('USING INDEX work_orders_org_risk_idx'));
    const page = listWorkOrders(ctx, WorkOrderListQuery.parse({ slaState: 'at_risk', limit: '200' })).items;
    const expected = (
      sqlite
        .prepare(
          "SELECT id, status, response_due_at AS responseDueAt, response_at_risk_at AS responseAtRiskAt, resolution_due_at AS resolutionDueAt, resolution_at_risk_at AS resolutionAtRiskAt, responded_at AS respondedAt, completed_at AS completedAt, on_hold_since AS onHoldSince, created_at AS createdAt FROM work_orders WHERE status NOT IN ('CLOSED', 'CANCELLED') ORDER BY created_at DESC, id DESC",
        )
        .all() as (SlaWorkOrder & { id: string })[]
    ).filter((r) => slaState(r, NOW) === 'at_risk');
    expect(expected.length).toBeGreaterThan(0);
    expect(page.map((w) => w.id)).toEqual(expected.map((r) => r.id));
  });
});
