import { queryOptions } from '@tanstack/react-query';
import type { z } from 'zod';
import type { Asset } from '../../server/assets/contract';
import { api, getAll } from '../shared/api/client';
import { catalogQueries } from '../shared/catalog/queries';
import { workOrderQueries, type WorkOrderDto } from '../shared/work-orders/queries';
import { fieldQueries } from '../shared/work-orders/field-queries';

export type { LocationDto } from '../shared/catalog/queries';
export type { ChecklistAnswerDto, ChecklistViewDto, WorkOrderDto, WorkOrderEventDto } from '../shared/work-orders/queries';
export type AssetDto = z.infer<typeof Asset>;

/** What a crew still has to do: today's and upcoming work, soonest first. */
export const OPEN_STATUSES = ['SCHEDULED', 'DISPATCHED', 'EN_ROUTE', 'ON_SITE', 'ON_HOLD'];

/**
 * The crew view asks the host the same questions as the console's drawer, so it uses the same
 * query factories (one cache entry per question); only "my work" and the asset card are its own.
 */
export const crewQueries = {
  myWork: () =>
    queryOptions({
      queryKey: ['work_orders', 'crew', 'open'],
      // The host scopes a technician's list to their own and their team's work.
      queryFn: () => getAll<WorkOrderDto>('/work-orders', { status: OPEN_STATUSES, sort: 'plannedStart' }, 500),
    }),
  workOrder: workOrderQueries.detail,
  checklist: workOrderQueries.checklist,
  events: workOrderQueries.events,
  lifecycle: workOrderQueries.lifecycle,
  attachments: workOrderQueries.attachments,
  messages: fieldQueries.messages,
  attendance: fieldQueries.attendance,
  locations: catalogQueries.locations,
  asset: (id: string) =>
    queryOptions({ queryKey: ['assets', 'one', id], queryFn: () => api.get<AssetDto>(`/assets/${id}`), staleTime: 300_000 }),
};

export interface PairingClaimed {
  token: string;
  expiresAt: string;
  user: { id: string; name: string };
}

/**
 * Pairing is the crew's only direct write: it happens online, before there is a session. Every
 * write on a work order goes through the outbox (crewActions in actions.ts), so it survives a
 * Wi-Fi drop and applies once.
 */
export const crewWrites = {
  claim: (code: string) => api.post<PairingClaimed>('/pairing/claim', { code }),
};
