import { keepPreviousData, queryOptions } from '@tanstack/react-query';
import type { z } from 'zod';
import type { KpiReportDto } from '../../../server/reports/contract-kpi';
import type { ActivityReportDto } from '../../../server/reports/activity/contract';
import type { ReportJob } from '../../../server/reports/contract-exports';
import type { Asset } from '../../../server/assets/contract';
import { api, getAll } from '../../shared/api/client';

export type { KpiReportDto, ActivityReportDto };
export type KpiRowDto = KpiReportDto['byDimension']['team'][number];
export type RatioDto = KpiRowDto['onTime'];
export type ReportJobDto = z.infer<typeof ReportJob>;
type AssetDto = z.infer<typeof Asset>;

export interface KpiFilters {
  depotId?: string;
  teamId?: string;
  assigneeId?: string;
  type?: string;
  locationId?: string;
  assetId?: string;
}

export interface KpiParams extends KpiFilters {
  from: string;
  to: string;
}

export const reportQueries = {
  /**
   * Deliberately NOT keyed by a table (STYLE 12's exception): on a big depot one report costs the
   * host about a second of SQLite, and keying it by work_orders would recompute it on every change
   * anywhere. It refreshes every two minutes and on the Refresh button instead, and says "as of".
   */
  kpis: (p: KpiParams) =>
    queryOptions({
      queryKey: ['kpi_report', p],
      queryFn: () => api.get<KpiReportDto>('/reports/kpis', { ...p }),
      placeholderData: keepPreviousData,
      staleTime: 60_000,
      refetchInterval: 120_000,
    }),
  /** Like the KPIs, computed from the whole audit trail: refreshed on a timer, not on every change. */
  activity: (p: { from: string; to: string }) =>
    queryOptions({
      queryKey: ['activity_report', p],
      queryFn: () => api.get<ActivityReportDto>('/reports/activity', { ...p }),
      placeholderData: keepPreviousData,
      staleTime: 60_000,
      refetchInterval: 120_000,
    }),
  assets: () => queryOptions({ queryKey: ['assets', 'all'], queryFn: () => getAll<AssetDto>('/assets'), staleTime: 300_000 }),
  depots: () =>
    queryOptions({
      queryKey: ['depots', 'all'],
      queryFn: () => getAll<{ id: string; name: string; code: string }>('/depots'),
      staleTime: 300_000,
    }),
  job: (id: string) =>
    queryOptions({
      queryKey: ['report_runs', id],
      queryFn: () => api.get<ReportJobDto>(`/reports/jobs/${id}`),
      // The WebSocket's report_job messages refresh it too; polling covers a dropped socket.
      refetchInterval: (q) => (q.state.data && ['done', 'failed', 'cancelled'].includes(q.state.data.state) ? false : 1000),
    }),
};

export const startJob = (kind: 'kpi-pdf' | 'workbook', p: KpiParams) => {
  const { from, to, ...filters } = p;
  return api.post<{ id: string }>('/reports/jobs', { kind, from, to, filters });
};
export const cancelJob = (id: string) => api.delete(`/reports/jobs/${id}`);
