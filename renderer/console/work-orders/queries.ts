import { queryOptions } from '@tanstack/react-query';
import type { z } from 'zod';
import type { WorkOrder, WorkOrderEvent } from '../../../server/work-orders/contract';
import { api, type Page, type Query } from '../api/client';

export type WorkOrderDto = z.infer<typeof WorkOrder>;
export type WorkOrderEventDto = z.infer<typeof WorkOrderEvent>;

/** Query keys start with the table they read, so live change messages invalidate them (live.ts). */
export const workOrderQueries = {
  list: (filters: Query) =>
    queryOptions({
      queryKey: ['work_orders', 'list', filters],
      queryFn: () => api.get<Page<WorkOrderDto>>('/work-orders', filters),
    }),
  detail: (id: string) =>
    queryOptions({
      queryKey: ['work_orders', 'detail', id],
      queryFn: () => api.get<WorkOrderDto>(`/work-orders/${id}`),
    }),
  events: (id: string) =>
    queryOptions({
      queryKey: ['work_order_events', id],
      queryFn: () => api.get<{ items: WorkOrderEventDto[] }>(`/work-orders/${id}/events`),
    }),
};
