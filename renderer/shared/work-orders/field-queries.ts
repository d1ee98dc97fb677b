import { queryOptions } from '@tanstack/react-query';
import type { z } from 'zod';
import type { Attendance } from '../../../server/attendance/contract';
import type { Message } from '../../../server/messages/contract';
import { api, getBlob, type Page } from '../api/client';

/**
 * What crews record in the field besides the work order itself — the crew ↔ dispatcher thread,
 * site attendance — and the console's writes on them. Keys start with the table they read
 * (live.ts invalidates by table), so both consoles and phones refresh from the socket.
 */

export type MessageDto = z.infer<typeof Message>;
export type AttendanceDto = z.infer<typeof Attendance>;
export type Fence = AttendanceDto['fence'];

/** A `note` timeline event's data (POST /work-orders/:id/notes). */
export interface NoteData {
  body: string;
  internal?: boolean;
  occurredAt?: string | null;
}

export const fieldQueries = {
  messages: (workOrderId: string) =>
    queryOptions({
      queryKey: ['work_order_messages', workOrderId],
      queryFn: () => api.get<Page<MessageDto>>(`/work-orders/${workOrderId}/messages`, { limit: 500 }),
    }),
  attendance: (workOrderId: string) =>
    queryOptions({
      queryKey: ['attendance', workOrderId],
      queryFn: () => api.get<Page<AttendanceDto>>(`/work-orders/${workOrderId}/attendance`, { limit: 500 }),
    }),
  /**
   * Check-ins and -outs nobody has reviewed yet whose place could not be confirmed: outside the
   * site's fence, or without a position at all (the host flags both), across the org.
   */
  flagged: () =>
    queryOptions({
      queryKey: ['attendance', 'flagged'],
      queryFn: () => api.get<Page<AttendanceDto>>('/attendance', { fence: 'outside,unknown', reviewed: 'false', limit: 200 }),
    }),
};

export const fieldWrites = {
  message: (workOrderId: string, body: string) => api.post<MessageDto>(`/work-orders/${workOrderId}/messages`, { body }),
  note: (workOrderId: string, body: string, internal: boolean) =>
    api.post<unknown>(`/work-orders/${workOrderId}/notes`, { body, internal }),
  review: (attendanceId: string) => api.post<AttendanceDto>(`/attendance/${attendanceId}/review`, {}),
};

export const FENCE_LABEL: Record<Fence, string> = { inside: 'At the site', outside: 'Outside the site', unknown: 'No location' };
export const ATTENDANCE_LABEL = { check_in: 'Checked in', check_out: 'Checked out' } as const;

/** "120 m" / "3.4 km" from the site's centre. */
export function formatMetres(m: number | null): string {
  if (m === null) return '';
  return m < 1000 ? `${Math.round(m)} m` : `${(m / 1000).toFixed(m < 10_000 ? 1 : 0)} km`;
}

/** Note events from the timeline, oldest first. */
export function notesOf<E extends { type: string; data: unknown }>(events: E[] | undefined): E[] {
  return (events ?? []).filter((e) => e.type === 'note' && typeof (e.data as NoteData | null)?.body === 'string');
}

/** The bytes a photo was uploaded with (the default content of a photo is the watermarked copy). */
export const originalFile = (attachmentId: string) =>
  queryOptions({
    queryKey: ['attachments', 'file', attachmentId, 'original'],
    queryFn: async () => URL.createObjectURL(await getBlob(`/attachments/${attachmentId}/content?variant=original`)),
    staleTime: Infinity,
    gcTime: 10 * 60_000,
  });
