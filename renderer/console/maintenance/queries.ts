import { queryOptions } from '@tanstack/react-query';
import type { ForecastDto, MaintenancePlanDto } from '../../../server/maintenance/contract';
import { api, getAll } from '../../shared/api/client';

export type { ForecastDto, MaintenancePlanDto };
export type ForecastItemDto = ForecastDto['items'][number];

/**
 * Keys start with the table they read (live.ts invalidates by table). The forecast also moves with
 * meter readings, which announce no table change, so it is refetched every few minutes as well.
 */
export const maintenanceQueries = {
  plans: () => queryOptions({ queryKey: ['maintenance_plans', 'all'], queryFn: () => getAll<MaintenancePlanDto>('/maintenance-plans') }),
  forecast: (from: number, to: number) =>
    queryOptions({
      queryKey: ['maintenance_occurrences', 'forecast', from, to],
      queryFn: () =>
        api.get<ForecastDto>('/maintenance-plans/forecast', { from: new Date(from).toISOString(), to: new Date(to).toISOString() }),
      refetchInterval: 5 * 60_000,
      placeholderData: (previous) => previous,
    }),
};

/** Tables a plan's save changes: the plan, its generated occurrences, and their work orders. */
export const PLAN_TABLES = ['maintenance_plans', 'maintenance_occurrences', 'work_orders'];
