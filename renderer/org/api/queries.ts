import { keepPreviousData, queryOptions } from '@tanstack/react-query';
import { OpenWorkSchema, OrgOverviewSchema } from '../../../server/org-view/contract';
import { KpiReportSchema } from '../../../server/reports/contract-kpi';
import { hub } from './client';
import type { Period } from '../period/presets';

/**
 * The hub's read-only views of the organization (server/org-view/). Keys start with 'org' and go
 * from the general to the particular. The figures come from a replica the hub keeps up to date on
 * its own, so they are polled gently rather than pushed; every view says how fresh they are.
 */
export const orgQueries = {
  /**
   * The organization's time zone, which periods are cut in. Only the overview's answer names it, so
   * it is asked once per session with a one-hour period (cheap), before any period is computed.
   */
  zone: () =>
    queryOptions({
      queryKey: ['org', 'zone'],
      queryFn: async () => {
        const now = Date.now();
        const o = await hub.get('/org/overview', OrgOverviewSchema, {
          from: new Date(now - 3_600_000).toISOString(),
          to: new Date(now).toISOString(),
        });
        return o.org.timeZone;
      },
      staleTime: Infinity,
    }),
  overview: (p: Period) =>
    queryOptions({
      queryKey: ['org', 'overview', p.from, p.to],
      queryFn: () => hub.get('/org/overview', OrgOverviewSchema, { from: p.from, to: p.to }),
      placeholderData: keepPreviousData,
      staleTime: 30_000,
      refetchInterval: 60_000,
    }),
  /** One depot's KPI report, or the whole organization's when depotId is null. */
  kpis: (p: Period, depotId: string | null) =>
    queryOptions({
      queryKey: ['org', 'kpis', depotId ?? 'all', p.from, p.to],
      queryFn: () => hub.get('/org/kpis', KpiReportSchema, { from: p.from, to: p.to, depotId: depotId ?? undefined }),
      placeholderData: keepPreviousData,
      staleTime: 60_000,
      refetchInterval: 120_000,
    }),
  openWork: (depotId: string | null) =>
    queryOptions({
      queryKey: ['org', 'open-work', depotId ?? 'all'],
      queryFn: () => hub.get('/org/open-work', OpenWorkSchema, { depotId: depotId ?? undefined }),
      placeholderData: keepPreviousData,
      staleTime: 30_000,
      refetchInterval: 60_000,
    }),
};

/** The report downloads, for one depot or the whole organization (depotId null). */
export const REPORT_FILES = [
  { id: 'pdf', path: '/org/reports/kpi.pdf', label: 'KPI report (PDF)', fallbackName: 'kpi-report.pdf' },
  { id: 'workbook', path: '/org/reports/workbook.xlsx', label: 'Workbook (Excel)', fallbackName: 'kpi-workbook.xlsx' },
] as const;

export function downloadReport(file: (typeof REPORT_FILES)[number], p: Period, depotId: string | null) {
  return hub.file(file.path, { from: p.from, to: p.to, depotId: depotId ?? undefined }, file.fallbackName);
}
