import type { QueryClient } from '@tanstack/react-query';
import { fieldQueries, type AttendanceDto } from '../../shared/work-orders/field-queries';
import { workOrderKeys, workOrderQueries, type ChecklistAnswerDto, type WorkOrderDto } from '../../shared/work-orders/queries';
import { isReplayedMarker } from './expiry';
import type { OutboxAction } from './types';

/**
 * What the host's answer to a sent outbox action changes on the phone. The answer is written into
 * the cache at once because the persisted copy of the cache is what a reload in a dead spot shows: an
 * action that has left the outbox but whose refetch has not landed would otherwise be in neither.
 */

/**
 * The queries a sent action changed, besides its work order's timeline (every action writes an
 * event). The outbox is the one place that refreshes them: the socket does too when it is up.
 */
// Keys come from the shared factories, so they cannot drift from what the screens cache.
const CHANGED_BY_KIND: Partial<Record<OutboxAction['kind'], (id: string) => readonly unknown[][]>> = {
  transition: () => [[...workOrderKeys.all]],
  checklist: (id) => [[...workOrderQueries.checklist(id).queryKey]],
  upload: (id) => [[...workOrderQueries.attachments(id).queryKey]],
  message: (id) => [[...fieldQueries.messages(id).queryKey]],
  attendance: (id) => [[...fieldQueries.attendance(id).queryKey]],
};

export function changedKeys(action: OutboxAction): unknown[][] {
  const id = action.workOrderId;
  return [[...workOrderQueries.events(id).queryKey], ...(CHANGED_BY_KIND[action.kind]?.(id) ?? [])];
}

export function writeAnswer(qc: QueryClient, action: OutboxAction, answer: unknown): void {
  const id = action.workOrderId;
  // An action applied before (answered after 24 h) brings no new state: only the refetch shows it.
  const data = isReplayedMarker(answer) ? null : answer;
  if (action.kind === 'transition' && data && typeof data === 'object' && (data as { id?: unknown }).id === id) {
    qc.setQueryData(workOrderQueries.detail(id).queryKey, data as WorkOrderDto);
  }
  if (action.kind === 'checklist' && data && typeof data === 'object') {
    const itemId = action.preview.itemId;
    qc.setQueryData(workOrderQueries.checklist(id).queryKey, (view) =>
      view ? { ...view, items: view.items.map((r) => (r.item.id === itemId ? { ...r, answer: data as ChecklistAnswerDto } : r)) } : view,
    );
  }
  if (action.kind === 'attendance' && isAttendance(data, id)) {
    // The check-in made online was missing from the attendance card after an offline reload when the
    // cache was saved between the outbox dropping the action and the list's refetch.
    const record = data;
    qc.setQueryData(fieldQueries.attendance(id).queryKey, (page) =>
      page && !page.items.some((r) => r.id === record.id) ? { ...page, items: [...page.items, record] } : page,
    );
  }
}

function isAttendance(data: unknown, workOrderId: string): data is AttendanceDto {
  if (!data || typeof data !== 'object') return false;
  const r = data as Partial<AttendanceDto>;
  return typeof r.id === 'string' && r.workOrderId === workOrderId && (r.kind === 'check_in' || r.kind === 'check_out');
}
