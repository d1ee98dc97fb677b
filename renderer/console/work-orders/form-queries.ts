import { queryOptions } from '@tanstack/react-query';
import { api, getAll } from '../../shared/api/client';
import type {
  AssetDto,
  ChecklistAnswerDto,
  CreateWorkOrderInput,
  MaterialUsageDto,
  TaskTemplateDto,
  TeamMemberDto,
  UpdateWorkOrderInput,
  WorkOrderDto,
} from '../../shared/work-orders/queries';

// The console's own work-order reads and writes: the crew view asks none of these (its writes go
// through the outbox), so they stay out of the code both apps load.

interface NamedRow {
  id: string;
  name: string;
}
export interface StockItemDto extends NamedRow {
  sku: string;
  unit: string;
}

/** Catalog reads the work-order forms need beyond catalog/queries.ts. */
export const formQueries = {
  templates: () =>
    queryOptions({ queryKey: ['task_templates', 'all'], queryFn: () => getAll<TaskTemplateDto>('/task-templates'), staleTime: 300_000 }),
  assetsAt: (locationId: string) =>
    queryOptions({ queryKey: ['assets', 'at', locationId], queryFn: () => getAll<AssetDto>('/assets', { locationId }), staleTime: 60_000 }),
  teamMembers: (teamId: string) =>
    queryOptions({
      queryKey: ['team_members', teamId],
      queryFn: () => api.get<{ items: TeamMemberDto[] }>(`/teams/${teamId}/members`),
      staleTime: 60_000,
    }),
  stockItems: () =>
    queryOptions({ queryKey: ['stock_items', 'all'], queryFn: () => getAll<StockItemDto>('/stock-items'), staleTime: 300_000 }),
  depots: () => queryOptions({ queryKey: ['depots', 'all'], queryFn: () => getAll<NamedRow>('/depots'), staleTime: 300_000 }),
  skills: () => queryOptions({ queryKey: ['skills', 'all'], queryFn: () => getAll<NamedRow>('/skills'), staleTime: 300_000 }),
  asset: (id: string) =>
    queryOptions({ queryKey: ['assets', 'one', id], queryFn: () => api.get<AssetDto>(`/assets/${id}`), staleTime: 60_000 }),
};

/** Writes. Each returns the host's answer; callers let live updates (and setQueryData) refresh the screen. */
export const workOrderWrites = {
  create: (body: CreateWorkOrderInput) => api.post<WorkOrderDto>('/work-orders', body),
  update: (id: string, version: number, body: UpdateWorkOrderInput) =>
    api.patch<WorkOrderDto>(`/work-orders/${id}`, body, { ifMatch: version }),
  assign: (
    id: string,
    version: number,
    body: { assigneeId?: string | null; teamId?: string | null; plannedStart?: string | null; plannedEnd?: string | null },
  ) => api.post<WorkOrderDto>(`/work-orders/${id}/assignment`, body, { ifMatch: version }),
  transition: (id: string, version: number, body: { to: string; reason?: string; note?: string }) =>
    api.post<WorkOrderDto>(`/work-orders/${id}/transitions`, body, { ifMatch: version }),
  closure: (id: string, version: number, body: { decision: 'approved' | 'rejected'; comment?: string }) =>
    api.post<WorkOrderDto>(`/work-orders/${id}/closure`, body, { ifMatch: version }),
  answer: (id: string, itemId: string, value: boolean | number | string) =>
    api.put<ChecklistAnswerDto>(`/work-orders/${id}/checklist/${itemId}`, { value }),
  useMaterial: (id: string, body: { itemId: string; depotId: string; quantity: number }) =>
    api.post<MaterialUsageDto>(`/work-orders/${id}/materials`, body),
};
