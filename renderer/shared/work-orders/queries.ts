import { queryOptions } from '@tanstack/react-query';
import type { z } from 'zod';
import type {
  AuditEntry,
  ChecklistAnswer,
  ChecklistView,
  ClosureApproval,
  CreateWorkOrderInput,
  MaterialUsage,
  UpdateWorkOrderInput,
  WorkOrder,
  WorkOrderEvent,
  WorkOrderCountsDto,
} from '../../../server/work-orders/contract';
import type { AttachmentDto } from '../../../server/attachments/contract';
import type { TaskTemplate } from '../../../server/templates/contract';
import type { Asset } from '../../../server/assets/contract';
import type { TeamMember } from '../../../server/teams/contract';
import { api, getBlob, type Page, type Query } from '../api/client';
import type { LifecycleDto } from '../../../server/work-orders/contract-lifecycle';

export type WorkOrderDto = z.infer<typeof WorkOrder>;
export type WorkOrderEventDto = z.infer<typeof WorkOrderEvent>;
export type ChecklistViewDto = z.infer<typeof ChecklistView>;
export type ChecklistAnswerDto = z.infer<typeof ChecklistAnswer>;
export type MaterialUsageDto = z.infer<typeof MaterialUsage>;
export type ClosureApprovalDto = z.infer<typeof ClosureApproval>;
export type AuditEntryDto = z.infer<typeof AuditEntry>;
export type TaskTemplateDto = z.infer<typeof TaskTemplate>;
export type AssetDto = z.infer<typeof Asset>;
export type TeamMemberDto = z.infer<typeof TeamMember>;
export type { AttachmentDto };
export type { CreateWorkOrderInput, UpdateWorkOrderInput };

/** Prefixes for invalidating many questions at once: every work-order list and detail starts with it. */
export const workOrderKeys = {
  all: ['work_orders'] as const,
};

/** Query keys start with the table they read, so live change messages invalidate them (live.ts). */
export const workOrderQueries = {
  /** Work orders per status under the list's filters (GET /work-orders/counts): the board's heads and the list's total. */
  counts: (filters: Query) =>
    queryOptions({
      queryKey: ['work_orders', 'counts', filters],
      queryFn: () => api.get<WorkOrderCountsDto>('/work-orders/counts', filters),
      placeholderData: (previous: WorkOrderCountsDto | undefined) => previous,
    }),
  /**
   * The caller's transition table. Not a table: it only changes with a new host version, so its
   * key does not start with a table name and live messages never invalidate it.
   */
  lifecycle: () =>
    queryOptions({
      queryKey: ['lifecycle'],
      queryFn: () => api.get<LifecycleDto>('/work-orders/lifecycle'),
      staleTime: Infinity,
    }),
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
  checklist: (id: string) =>
    queryOptions({
      queryKey: ['checklist_results', id],
      queryFn: () => api.get<ChecklistViewDto>(`/work-orders/${id}/checklist`),
    }),
  materials: (id: string) =>
    queryOptions({
      queryKey: ['material_usages', id],
      queryFn: () => api.get<Page<MaterialUsageDto>>(`/work-orders/${id}/materials`),
    }),
  closures: (id: string) =>
    queryOptions({
      queryKey: ['closure_approvals', id],
      queryFn: () => api.get<Page<ClosureApprovalDto>>(`/work-orders/${id}/closure`),
    }),
  attachments: (id: string) =>
    queryOptions({
      queryKey: ['attachments', id],
      queryFn: () => api.get<Page<AttachmentDto>>(`/work-orders/${id}/attachments`),
    }),
  /**
   * The audit log is not named in change messages (it rides along with every write), so the drawer
   * invalidates this key itself when a message touches the work order (see useAuditRefresh).
   */
  audit: (id: string) =>
    queryOptions({
      queryKey: ['audit_log', 'work_order', id],
      queryFn: () => api.get<Page<AuditEntryDto>>(`/work-orders/${id}/audit`),
    }),
  /** Bytes of one attachment as an object URL; files never change under an id, so cached for the session. */
  file: (attachmentId: string, which: 'content' | 'thumbnail') =>
    queryOptions({
      queryKey: ['attachments', 'file', attachmentId, which],
      queryFn: async () => URL.createObjectURL(await getBlob(`/attachments/${attachmentId}/${which}`)),
      staleTime: Infinity,
      gcTime: 10 * 60_000,
    }),
};
