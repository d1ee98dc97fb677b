import type { Ctx } from '../core/context.js';
import type { Sqlite } from '../../db/client.js';
import { iso } from '../http/contract-common.js';
import { defineRoute, type AnyRoute } from '../http/route.js';
import { NotFoundError } from '../errors.js';
import { KpiQuerySchema, KpiReportSchema, type KpiQueryInput, type KpiReportDto } from './contract-kpi.js';
import { depotZone, localeFor, zoneFor } from './zone.js';
import type { KpiFilters, KpiQuery, KpiReport, TrendPoint } from './kpi-types.js';

/** The KPI query for a request: the depot's zone when filtered by depot, else the organization's. */
export function kpiQueryFor(ctx: Ctx, input: KpiQueryInput): KpiQuery {
  return kpiQueryOn(ctx.host.sqlite, ctx.orgId, ctx.host.clock.now(), input);
}

/** The same over any depot database (the hub's org replicas use it too). */
export function kpiQueryOn(sqlite: Sqlite, orgId: string, now: number, input: KpiQueryInput): KpiQuery {
  const { from, to, ...filters } = input;
  if (filters.depotId && !depotZone(sqlite, orgId, filters.depotId)) throw new NotFoundError('depot');
  const zone = zoneFor(sqlite, orgId, filters.depotId);
  const clean: KpiFilters = Object.fromEntries(Object.entries(filters).filter(([, v]) => v !== undefined));
  return {
    orgId,
    from: Date.parse(from),
    to: Date.parse(to),
    filters: clean,
    zone,
    locale: localeFor(sqlite, orgId, filters.depotId),
    now,
  };
}

const point = (p: TrendPoint) => ({ ...p, at: iso(p.at) });

export function kpiReportDto(r: KpiReport, computeMs: number): KpiReportDto {
  return {
    query: {
      from: iso(r.query.from),
      to: iso(r.query.to),
      now: iso(r.query.now),
      zone: r.query.zone,
      ...(r.query.locale ? { locale: r.query.locale } : {}),
      filters: r.query.filters as KpiReportDto['query']['filters'],
    },
    generatedAt: iso(r.generatedAt),
    summary: r.summary,
    byDimension: r.byDimension,
    mtbf: r.mtbf,
    daily: r.daily.map(point),
    weekly: r.weekly.map(point),
    breached: r.breached.map((b) => ({ ...b, dueAt: iso(b.dueAt), metAt: iso(b.metAt) })),
    breachedTotal: r.breachedTotal ?? r.breached.length,
    computeMs,
  };
}

export const kpiRoutes: AnyRoute[] = [
  defineRoute({
    method: 'get',
    path: '/reports/kpis',
    tag: 'Reports',
    access: 'kpi:read',
    summary:
      'KPIs of a period [from, to): counts, backlog, SLA compliance, MTTR, MTBF, first-time fix, utilisation; per team, technician, type, location and asset; daily and weekly trends; breached work orders',
    query: KpiQuerySchema,
    response: KpiReportSchema,
    // Computed by the KPI worker thread (server/reports/kpi/pool.ts): a year of 100k work orders
    // takes over a second of SQL that must not stall the event loop, other requests or /ws.
    handler: async ({ ctx, services, query }) => {
      const { report, computeMs } = await services.kpi.compute(kpiQueryFor(ctx, query));
      return kpiReportDto(report, computeMs);
    },
  }),
];
