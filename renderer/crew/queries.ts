import { queryOptions } from '@tanstack/react-query';
import type { z } from 'zod';
import type { Location } from '../../server/locations/contract';
import type { Asset } from '../../server/assets/contract';
import type { LifecycleDto } from '../../server/work-orders/contract-lifecycle';
import type { ChecklistAnswer, ChecklistView, WorkOrder, WorkOrderEvent } from '../../server/work-orders/contract';
import { api, getAll } from '../console/api/client';

export type WorkOrderDto = z.infer<typeof WorkOrder>;
export type ChecklistViewDto = z.infer<typeof ChecklistView>;
export type ChecklistAnswerDto = z.infer<typeof ChecklistAnswer>;
export type WorkOrderEventDto = z.infer<typeof WorkOrderEvent>;
export type LocationDto = z.infer<typeof Location>;
export type AssetDto = z.infer<typeof Asset>;

/** What a crew still has to do: today's and upcoming work, soonest first. */
export const OPEN_STATUSES = ['SCHEDULED', 'DISPATCHED', 'EN_ROUTE', 'ON_SITE', 'ON_HOLD'];

/** Keys start with the table they read, so the live socket invalidates them (console/api/live.ts). */
export const crewQueries = {
  myWork: () =>
    queryOptions({
      queryKey: ['work_orders', 'crew', 'open'],
      // The host scopes a technician's list to their own and their team's work.
      queryFn: () => getAll<WorkOrderDto>('/work-orders', { status: OPEN_STATUSES, sort: 'plannedStart' }, 500),
    }),
  workOrder: (id: string) => queryOptions({ queryKey: ['work_orders', 'one', id], queryFn: () => api.get<WorkOrderDto>(`/work-orders/${id}`) }),
  checklist: (id: string) =>
    queryOptions({ queryKey: ['checklist_results', id], queryFn: () => api.get<ChecklistViewDto>(`/work-orders/${id}/checklist`) }),
  events: (id: string) =>
    queryOptions({ queryKey: ['work_order_events', id], queryFn: () => api.get<{ items: WorkOrderEventDto[] }>(`/work-orders/${id}/events`) }),
  lifecycle: () =>
    queryOptions({ queryKey: ['work_orders', 'lifecycle'], queryFn: () => api.get<LifecycleDto>('/work-orders/lifecycle'), staleTime: Infinity }),
  locations: () => queryOptions({ queryKey: ['locations', 'all'], queryFn: () => getAll<LocationDto>('/locations'), staleTime: 300_000 }),
  asset: (id: string) => queryOptions({ queryKey: ['assets', 'one', id], queryFn: () => api.get<AssetDto>(`/assets/${id}`), staleTime: 300_000 }),
};

export interface PairingClaimed {
  token: string;
  expiresAt: string;
  user: { id: string; name: string };
}

export const crewWrites = {
  claim: (code: string) => api.post<PairingClaimed>('/pairing/claim', { code }),
  transition: (id: string, version: number, body: { to: string; reason?: string }) =>
    api.post<WorkOrderDto>(`/work-orders/${id}/transitions`, body, { ifMatch: version }),
  answer: (id: string, itemId: string, value: boolean | number | string) =>
    api.put<ChecklistAnswerDto>(`/work-orders/${id}/checklist/${itemId}`, { value }),
};
