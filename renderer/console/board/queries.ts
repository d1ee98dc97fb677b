import { queryOptions } from '@tanstack/react-query';
import type { LifecycleDto, LifecycleMoveDto } from '../../../server/work-orders/contract-lifecycle';
import type { PreferenceDto } from '../../../server/preferences/contract';
import { api, type Page, type Query } from '../../shared/api/client';
import type { WorkOrderDto } from '../../shared/work-orders/queries';

export type { LifecycleDto, LifecycleMoveDto };

/** The board's columns, left to right. Finished ones (closed, cancelled) are shown on request, recent first. */
export const OPEN_COLUMNS = ['NEW', 'SCHEDULED', 'DISPATCHED', 'EN_ROUTE', 'ON_SITE', 'ON_HOLD', 'COMPLETED'] as const;
export const FINISHED_COLUMNS = ['CLOSED', 'CANCELLED'] as const;
export type BoardStatus = (typeof OPEN_COLUMNS)[number] | (typeof FINISHED_COLUMNS)[number];

export const PAGE = 100;
/** The host's largest page; the breached total counts up to this and then says "500+". */
export const MAX_PAGE = 500;

export interface BoardFilters {
  teamId?: string;
  priority?: string;
  type?: string;
  slaState?: string;
  /** A user id, or "unassigned". */
  assigneeId?: string;
  showFinished?: boolean;
}

export const FILTERS_KEY = 'board.filters';

/** The list API's query for the board's filters (the toggle is the board's own business). */
export function filterQuery(f: BoardFilters): Query {
  return {
    teamId: f.teamId,
    priority: f.priority,
    type: f.type,
    slaState: f.slaState,
    assigneeId: f.assigneeId === 'unassigned' ? undefined : f.assigneeId,
    unassigned: f.assigneeId === 'unassigned' ? 'true' : undefined,
  };
}

/** Query keys start with the table they read, so live change messages refresh the board (live.ts). */
export const boardQueries = {
  column: (status: BoardStatus, filters: Query, limit: number) =>
    queryOptions({
      queryKey: ['work_orders', 'board', status, filters, limit],
      queryFn: () =>
        api.get<Page<WorkOrderDto>>('/work-orders', {
          ...filters,
          status,
          // Open work: most urgent first. Finished work: most recent first.
          sort: status === 'CLOSED' || status === 'CANCELLED' ? '-updatedAt' : 'dueAt',
          limit,
        }),
      placeholderData: (previous) => previous,
    }),
  /** Breached open work under the same filters: the toolbar total and each column's breached count. */
  breached: (filters: Query) =>
    queryOptions({
      queryKey: ['work_orders', 'board', 'breached', filters],
      queryFn: () =>
        api.get<Page<WorkOrderDto>>('/work-orders', { ...filters, slaState: 'breached', status: [...OPEN_COLUMNS], limit: MAX_PAGE }),
      placeholderData: (previous) => previous,
    }),
  preference: (key: string) =>
    queryOptions({
      queryKey: ['user_preferences', key],
      queryFn: () => api.get<PreferenceDto>(`/me/preferences/${key}`),
      staleTime: Infinity,
    }),
};

export function savePreference(key: string, value: unknown): Promise<PreferenceDto> {
  return api.put<PreferenceDto>(`/me/preferences/${key}`, { value });
}

/** A lifecycle step through the plain transition endpoint, guarded by the card's version. */
export function moveWorkOrder(wo: WorkOrderDto, to: string, extra: { reason?: string; note?: string } = {}): Promise<WorkOrderDto> {
  return api.post<WorkOrderDto>(`/work-orders/${wo.id}/transitions`, { to, ...extra }, { ifMatch: wo.version });
}

/** Closure approval: COMPLETED → CLOSED (approved) or → DISPATCHED (rejected, with a comment). */
export function decideClosure(wo: WorkOrderDto, decision: 'approved' | 'rejected', comment?: string): Promise<WorkOrderDto> {
  return api.post<WorkOrderDto>(`/work-orders/${wo.id}/closure`, { decision, ...(comment ? { comment } : {}) }, { ifMatch: wo.version });
}
