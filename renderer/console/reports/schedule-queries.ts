import { queryOptions } from '@tanstack/react-query';
import type { z } from 'zod';
import type { CreateScheduleRequest, ReportFile, ReportSchedule } from '../../../server/reports/contract-exports';
import { api, getBlob, type Page } from '../../shared/api/client';
import { saveWithPlatform } from './save';

export type ScheduleDto = z.infer<typeof ReportSchedule>;
export type ReportFileDto = z.infer<typeof ReportFile>;
export type ScheduleInput = z.input<typeof CreateScheduleRequest>;

/** Keys start with the table they read, so report_job messages (tables: report_runs) refresh them. */
export const scheduleQueries = {
  list: () =>
    queryOptions({
      queryKey: ['report_schedules', 'list'],
      queryFn: () => api.get<Page<ScheduleDto>>('/reports/schedules').then((p) => p.items),
    }),
  files: () =>
    queryOptions({
      queryKey: ['report_runs', 'files'],
      queryFn: () => api.get<Page<ReportFileDto>>('/reports/files').then((p) => p.items),
    }),
};

export const createSchedule = (body: ScheduleInput) => api.post<ScheduleDto>('/reports/schedules', body);
export const updateSchedule = (id: string, version: number, body: Partial<ScheduleInput>) =>
  api.patch<ScheduleDto>(`/reports/schedules/${id}`, body, { ifMatch: version });
export const deleteSchedule = (id: string) => api.delete(`/reports/schedules/${id}`);
export const restoreSchedule = (id: string) => api.post<ScheduleDto>(`/reports/schedules/${id}/restore`);

/** Saves a report file from the reports folder (scheduled exports, jobcards) where the user chooses. */
export async function downloadReport(f: Pick<ReportFileDto, 'url' | 'fileName'>): Promise<void> {
  await saveWithPlatform(getBlob(f.url.replace(/^\/api\/v1/, '')), f.fileName);
}
