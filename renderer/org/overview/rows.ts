import type { OrgOverview } from '../../../server/org-view/contract';
import type { KpiReportDto } from '../../../server/reports/contract-kpi';
import { ALL_DEPOTS } from '../shell/route';

type Summary = KpiReportDto['summary'];

/** One line of the overview table: a depot, or all depots together. */
export interface OverviewRow {
  /** The depot's id, or ALL_DEPOTS for the combined line. */
  id: string;
  name: string;
  code: string | null;
  openNow: number;
  overdueNow: number;
  summary: Summary;
  /** The later of the depot's last push and pull; null for never (and for the combined line). */
  lastSyncAt: string | null;
  lastPushAt: string | null;
  lastPullAt: string | null;
  combined: boolean;
}

const later = (a: string | null, b: string | null) => (a && b ? (Date.parse(a) >= Date.parse(b) ? a : b) : (a ?? b));

export function depotRows(o: OrgOverview): OverviewRow[] {
  return o.depots.map((d) => ({
    id: d.id,
    name: d.name,
    code: d.code,
    openNow: d.openNow,
    overdueNow: d.overdueNow,
    summary: d.summary,
    lastSyncAt: later(d.lastPushAt, d.lastPullAt),
    lastPushAt: d.lastPushAt,
    lastPullAt: d.lastPullAt,
    combined: false,
  }));
}

export function combinedRow(o: OrgOverview): OverviewRow {
  const { openNow, overdueNow, ...summary } = o.combined;
  return {
    id: ALL_DEPOTS,
    name: 'All depots',
    code: null,
    openNow,
    overdueNow,
    summary,
    lastSyncAt: null,
    lastPushAt: null,
    lastPullAt: null,
    combined: true,
  };
}

/** The overview's columns, each with the figure it sorts by (null sorts last, whichever way). */
export const SORT_KEYS = {
  name: (r: OverviewRow) => r.name,
  openNow: (r: OverviewRow) => r.openNow,
  overdueNow: (r: OverviewRow) => r.overdueNow,
  created: (r: OverviewRow) => r.summary.created,
  completed: (r: OverviewRow) => r.summary.completed,
  backlog: (r: OverviewRow) => r.summary.backlog,
  onTime: (r: OverviewRow) => r.summary.onTime.value,
  slaResponse: (r: OverviewRow) => r.summary.slaResponse.value,
  slaResolution: (r: OverviewRow) => r.summary.slaResolution.value,
  mttrRepairH: (r: OverviewRow) => r.summary.mttrRepairH,
  firstTimeFix: (r: OverviewRow) => r.summary.firstTimeFix.value,
  lastSyncAt: (r: OverviewRow) => (r.lastSyncAt ? Date.parse(r.lastSyncAt) : null),
} satisfies Record<string, (r: OverviewRow) => string | number | null>;
export type SortKey = keyof typeof SORT_KEYS;

export interface Sort {
  key: SortKey;
  desc: boolean;
}

export function sortRows(rows: OverviewRow[], sort: Sort): OverviewRow[] {
  const value = SORT_KEYS[sort.key];
  return [...rows].sort((a, b) => {
    const x = value(a);
    const y = value(b);
    if (x === null || y === null) return x === y ? a.name.localeCompare(b.name) : x === null ? 1 : -1;
    const cmp = typeof x === 'string' ? x.localeCompare(String(y)) : x - (y as number);
    return (sort.desc ? -cmp : cmp) || a.name.localeCompare(b.name);
  });
}

/** Said where a depot has no sync time of its own (a second depot kept by one host). */
export const NO_OWN_SYNC = 'No sync recorded under this depot: its work reaches the hub through the depot host that keeps it.';

/** A depot whose last sync is older than this has figures that may be stale: the overview flags it. */
export const STALE_SYNC_MS = 60 * 60_000;

/**
 * Flags a depot whose last sync is over an hour old. No time at all is not flagged: the hub records
 * syncs per depot host, so a second depot kept by the same host has none of its own.
 */
export function syncIsStale(row: OverviewRow, nowMs: number): boolean {
  return !row.combined && row.lastSyncAt !== null && nowMs - Date.parse(row.lastSyncAt) > STALE_SYNC_MS;
}
