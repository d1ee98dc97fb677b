import { eq } from 'drizzle-orm';
import type pg from 'pg';
import type { Host } from '../core/context.js';
import { NotFoundError } from '../errors.js';
import { iso } from '../http/contract-common.js';
import { withOrg } from '../hub/db/pool.js';
import { hubOrgs, nodes } from '../hub/db/schema.js';
import type { KpiQueryInput, KpiReportDto } from '../reports/contract-kpi.js';
import { KpiPool } from '../reports/kpi/pool.js';
import { emptySums, ratio, toSummary } from '../reports/kpi/rollup.js';
import type { KpiFilters, KpiQuery, KpiSummary } from '../reports/kpi-types.js';
import { kpiQueryOn, kpiReportDto } from '../reports/routes-kpi.js';
import { zoneFor } from '../reports/zone.js';
import type { ReportKind } from '../../db/schema/reports.js';
import type { OpenWork, OrgOverview, OrgPeriod, ReplicaStatus } from './contract.js';
import type { OrgReplicas, ReplicaState } from './replica.js';
import { depotExists, depots, openCounts, openWork, orgHeader } from './repo.js';
import { buildOrgReport } from './reports.js';

/**
 * The managers' view: every answer is read from the org replica, caught up first, with the depot's
 * own KPI engine (one worker thread per replica, server/reports/kpi/pool.ts), so a figure here and
 * the same figure in a depot's Reports view for its own work are the same number.
 */
export class OrgViewService {
  private readonly kpiPools = new Map<Host, KpiPool>();

  constructor(
    private readonly replicas: OrgReplicas,
    private readonly pool: pg.Pool,
    private readonly now: () => number,
  ) {}

  async overview(hubOrgId: string, period: OrgPeriod): Promise<OrgOverview> {
    const started = performance.now();
    const replica = await this.replicas.current(hubOrgId);
    const [hubOrg] = await withOrg(this.pool, hubOrgId, ({ db }) =>
      db.select({ name: hubOrgs.name }).from(hubOrgs).where(eq(hubOrgs.id, hubOrgId)),
    );
    const seen = await this.lastSeen(hubOrgId);
    const from = Date.parse(period.from);
    const to = Date.parse(period.to);
    const empty = emptySummary();
    if (!replica.orgId) {
      return {
        org: { name: hubOrg?.name ?? '', timeZone: 'UTC' },
        period: { from: iso(from), to: iso(to) },
        replica: status(replica),
        depots: [],
        unassignedOpenNow: 0,
        combined: { ...empty, openNow: 0, overdueNow: 0 },
        computeMs: Math.round(performance.now() - started),
      };
    }
    const { sqlite } = replica.host;
    const orgId = replica.orgId;
    const now = this.now();
    const header = orgHeader(sqlite, orgId);
    const counts = openCounts(sqlite, orgId, now);
    const list = depots(sqlite, orgId);
    const kpi = this.kpiPool(replica.host);
    const query = (filters: KpiFilters): KpiQuery => ({ orgId, from, to, filters, zone: zoneFor(sqlite, orgId, filters.depotId), now });
    // One after another: the worker answers in order anyway, and the combined figures come last.
    const perDepot: KpiSummary[] = [];
    for (const d of list) perDepot.push((await kpi.compute(query({ depotId: d.id }))).report.summary);
    const combined = (await kpi.compute(query({}))).report.summary;
    let openAll = 0;
    let overdueAll = 0;
    for (const c of counts.values()) {
      openAll += c.open;
      overdueAll += c.overdue;
    }
    return {
      org: { name: hubOrg?.name ?? header.name, timeZone: header.timeZone },
      period: { from: iso(from), to: iso(to) },
      replica: status(replica),
      depots: list.map((d, i) => ({
        ...d,
        lastPushAt: iso(seen.get(d.code)?.lastPushAt ?? null),
        lastPullAt: iso(seen.get(d.code)?.lastPullAt ?? null),
        openNow: counts.get(d.id)?.open ?? 0,
        overdueNow: counts.get(d.id)?.overdue ?? 0,
        summary: perDepot[i]!,
      })),
      unassignedOpenNow: counts.get(null)?.open ?? 0,
      combined: { ...combined, openNow: openAll, overdueNow: overdueAll },
      computeMs: Math.round(performance.now() - started),
    };
  }

  async kpis(hubOrgId: string, input: KpiQueryInput): Promise<KpiReportDto & { replica: ReplicaStatus }> {
    const replica = await this.ready(hubOrgId);
    const q = kpiQueryOn(replica.host.sqlite, replica.orgId!, this.now(), input);
    const { report, computeMs } = await this.kpiPool(replica.host).compute(q);
    return { ...kpiReportDto(report, computeMs), replica: status(replica) };
  }

  async openWork(hubOrgId: string, depotId: string | undefined): Promise<OpenWork> {
    const replica = await this.replicas.current(hubOrgId);
    if (!replica.orgId) return { replica: status(replica), items: [], total: 0, unlocated: 0 };
    const { sqlite } = replica.host;
    if (depotId && !depotExists(sqlite, replica.orgId, depotId)) throw new NotFoundError('depot');
    const found = openWork(sqlite, replica.orgId, this.now(), depotId);
    return {
      replica: status(replica),
      items: found.items.map((w) => ({ ...w, resolutionDueAt: iso(w.resolutionDueAt), overdue: w.overdue === 1 })),
      total: found.total,
      unlocated: found.unlocated,
    };
  }

  /** Builds the org's (or one depot's) KPI PDF or workbook; the caller streams the file and removes it. */
  async report(
    hubOrgId: string,
    kind: Extract<ReportKind, 'kpi-pdf' | 'workbook'>,
    input: { from: string; to: string; depotId?: string | undefined },
  ): Promise<{ file: string; fileName: string; sizeBytes: number }> {
    const replica = await this.ready(hubOrgId);
    const { sqlite } = replica.host;
    const orgId = replica.orgId!;
    const depot = input.depotId ? depots(sqlite, orgId).find((d) => d.id === input.depotId) : undefined;
    if (input.depotId && !depot) throw new NotFoundError('depot');
    const built = await buildOrgReport(replica.host, {
      kind,
      orgId,
      from: Date.parse(input.from),
      to: Date.parse(input.to),
      filters: input.depotId ? { depotId: input.depotId } : {},
      now: this.now(),
    });
    const scope = depot ? depot.code : 'all-depots';
    const day = (t: string) => t.slice(0, 10);
    const fileName = `kpis-${scope}-${day(input.from)}-to-${day(input.to)}.${kind === 'kpi-pdf' ? 'pdf' : 'xlsx'}`.replace(/[^\w.-]/g, '_');
    return { ...built, fileName };
  }

  async close(): Promise<void> {
    await Promise.all([...this.kpiPools.values()].map((p) => p.close()));
    this.kpiPools.clear();
    this.replicas.close();
  }

  private async ready(hubOrgId: string): Promise<ReplicaState> {
    const replica = await this.replicas.current(hubOrgId);
    if (!replica.orgId) throw new NotFoundError('organization data (no depot has joined this organization yet)');
    return replica;
  }

  private kpiPool(host: Host): KpiPool {
    let p = this.kpiPools.get(host);
    if (!p) {
      p = new KpiPool(host);
      this.kpiPools.set(host, p);
    }
    return p;
  }

  /** When each depot (by code) last pushed and pulled, from the hub's node records. */
  private async lastSeen(hubOrgId: string): Promise<Map<string, { lastPushAt: number | null; lastPullAt: number | null }>> {
    const rows = await withOrg(this.pool, hubOrgId, ({ db }) =>
      db
        .select({ code: nodes.depotCode, lastPushAt: nodes.lastPushAt, lastPullAt: nodes.lastPullAt })
        .from(nodes)
        .where(eq(nodes.state, 'active')),
    );
    const seen = new Map<string, { lastPushAt: number | null; lastPullAt: number | null }>();
    for (const r of rows) {
      const had = seen.get(r.code);
      seen.set(r.code, {
        lastPushAt: Math.max(had?.lastPushAt ?? 0, r.lastPushAt ?? 0) || null,
        lastPullAt: Math.max(had?.lastPullAt ?? 0, r.lastPullAt ?? 0) || null,
      });
    }
    return seen;
  }
}

function status(r: ReplicaState): ReplicaStatus {
  return { version: r.version, hubVersion: r.hubVersion, caughtUpAt: iso(r.caughtUpAt) };
}

/** An org with no depot yet: the engine's own zero summary, so its fields can never drift from a report's. */
function emptySummary(): KpiSummary {
  return toSummary(emptySums(), ratio(0, 0));
}
