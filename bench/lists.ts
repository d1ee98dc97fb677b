import type http from 'node:http';
import Database from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import * as schema from '../db/schema/index.js';
import type { Ctx } from '../server/core/context.js';
import { WorkOrderListQuery } from '../server/work-orders/contract.js';
import { listWorkOrders } from '../server/work-orders/repo.js';
import { median, ms, percentile, type Row } from './stats.js';
import { benchAgent, request } from './http-client.js';

/**
 * Work-order list pages over HTTP, each beside the same SQL run directly with better-sqlite3 on a
 * read-only connection to the same file in the same run. The SQL is the one the repo builds for the
 * query (captured from drizzle's logger, probes included in the HTTP figure only).
 */

export interface ListFixture {
  file: string;
  teamId: string;
}

interface Captured {
  sql: string;
  params: unknown[];
}

/** The main query listWorkOrders runs for `query`, built on a read-only connection with the host's clock. */
function sqlFor(sqlite: Database.Database, query: string): Captured {
  let last: Captured | undefined;
  const db = drizzle(sqlite, { schema, logger: { logQuery: (sql, params) => void (last = { sql, params }) } });
  const orgId = sqlite.prepare('SELECT id FROM organizations ORDER BY created_at LIMIT 1').pluck().get() as string;
  // Only what listWorkOrders reads of a host.
  const ctx = { host: { db, sqlite, clock: { now: () => Date.now() } }, orgId, actor: { userId: null, role: 'dispatcher', name: 'bench' } };
  listWorkOrders(ctx as unknown as Ctx, WorkOrderListQuery.parse(Object.fromEntries(new URLSearchParams(`limit=50&${query}`))));
  if (!last) throw new Error(`no SQL captured for ${query}`);
  return last;
}

async function timed(agent: http.Agent, url: string, headers: Record<string, string>): Promise<{ ms: number; items: number }> {
  const t0 = performance.now();
  const res = await request(agent, url, { headers });
  // The time is the host's answer, to its last byte; the client's own JSON.parse (~0.2 ms for a page
  // on these cores) comes after it, as the raw reference decodes nothing either.
  const elapsed = performance.now() - t0;
  if (res.status !== 200) throw new Error(`GET ${url} answered ${res.status}: ${res.text.slice(0, 300)}`);
  const body = JSON.parse(res.text) as { items?: unknown[] };
  return { ms: elapsed, items: body.items?.length ?? 0 };
}

export async function listBench(url: string, token: string, fx: ListFixture, runs: number): Promise<Row[]> {
  const combos: [string, string][] = [
    ['default (-createdAt)', ''],
    ['status=DISPATCHED,EN_ROUTE,ON_SITE', 'status=DISPATCHED,EN_ROUTE,ON_SITE'],
    ['status=NEW', 'status=NEW'],
    ['teamId + status=SCHEDULED', `teamId=${fx.teamId}&status=SCHEDULED`],
    ['slaState=breached', 'slaState=breached'],
    ['slaState=at_risk', 'slaState=at_risk'],
    ['q=pump', 'q=pump'],
    ['type=emergency', 'type=emergency'],
    ['sort=-priority', 'sort=-priority'],
    ['status=NEW&sort=-priority', 'status=NEW&sort=-priority'],
    ['status=NEW&sort=-updatedAt', 'status=NEW&sort=-updatedAt'],
    ['sort=plannedStart', 'sort=plannedStart'],
  ];
  const headers = { authorization: `Bearer ${token}` };
  const agent = benchAgent(1);
  const sqlite = new Database(fx.file, { readonly: true });
  const rows: Row[] = [];
  try {
    for (const [label, query] of combos) {
      const target = `${url}/api/v1/work-orders?limit=50${query ? `&${query}` : ''}`;
      const { sql, params } = sqlFor(sqlite, query);
      const stmt = sqlite.prepare(sql);
      const raw = () => {
        const t0 = performance.now();
        stmt.all(...(params as unknown[]));
        return performance.now() - t0;
      };
      for (let i = 0; i < 20; i++) {
        await timed(agent, target, headers);
        raw();
      }
      // Interleaved, so both see the same load on a shared machine.
      const http: number[] = [];
      const direct: number[] = [];
      let items = 0;
      for (let i = 0; i < runs; i++) {
        const r = await timed(agent, target, headers);
        items = r.items;
        http.push(r.ms);
        direct.push(raw());
      }
      const [p50, p95, r50, r95] = [median(http), percentile(http, 95), median(direct), percentile(direct, 95)];
      rows.push({
        metric: `list ${label} (${items} items) p50 / p95; raw SQL p50 / p95; ratio p50`,
        value: `${ms(p50)} / ${ms(p95)}; ${ms(r50)} / ${ms(r95)}; ${(p50 / r50).toFixed(1)}×`,
        target: '',
        pass: null,
      });
      rows.push({ metric: `list ${label} p95`, value: ms(p95), target: '< 10 ms', pass: p95 < 10 });
      if (!query)
        rows.push({ metric: `list ${label} p95 ÷ raw p95`, value: `${(p95 / r95).toFixed(1)}×`, target: '≤ 5×', pass: p95 / r95 <= 5 });
    }
  } finally {
    sqlite.close();
    agent.destroy();
  }
  return rows;
}
