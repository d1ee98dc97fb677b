import { z } from 'zod';
import { IdParams, iso } from '../../http/contract-common.js';
import { parseIfMatch } from '../../http/crud.js';
import { defineRoute, Reply, type AnyRoute } from '../../http/route.js';
import { CreateScheduleRequest, ReportJob, ReportSchedule, UpdateScheduleRequest } from '../contract-exports.js';
import {
  createSchedule,
  deleteSchedule,
  getSchedule,
  listRuns,
  listSchedules,
  restoreSchedule,
  toScheduleDto,
  updateSchedule,
} from './service.js';

const TAG = 'Reports';
const etag = (v: number) => ({ ETag: `"${v}"` });

export const scheduleRoutes: AnyRoute[] = [
  defineRoute({
    method: 'get',
    path: '/reports/schedules',
    tag: TAG,
    access: 'report:export',
    summary: 'Report schedules (daily, weekly, monthly) of the organization',
    response: z.object({ items: z.array(ReportSchedule), nextCursor: z.string().nullable() }),
    handler: ({ ctx }) => ({ items: listSchedules(ctx), nextCursor: null }),
  }),
  defineRoute({
    method: 'post',
    path: '/reports/schedules',
    tag: TAG,
    access: 'report:export',
    summary: 'Create a schedule: each period that ends is written to the reports folder as <kind>-<yyyy-mm-dd>-<slug>.<ext>',
    body: CreateScheduleRequest,
    response: ReportSchedule,
    errors: [409],
    handler: ({ ctx, body }) => {
      const dto = createSchedule(ctx, body);
      return new Reply(201, dto, etag(dto.version));
    },
  }),
  defineRoute({
    method: 'get',
    path: '/reports/schedules/:id',
    tag: TAG,
    access: 'report:export',
    summary: 'One report schedule',
    params: IdParams,
    response: ReportSchedule,
    handler: ({ ctx, params }) => {
      const dto = toScheduleDto(ctx, getSchedule(ctx, params.id));
      return new Reply(200, dto, etag(dto.version));
    },
  }),
  defineRoute({
    method: 'patch',
    path: '/reports/schedules/:id',
    tag: TAG,
    access: 'report:export',
    summary: 'Change a schedule (name, kind, cadence, filters, enabled); If-Match refuses a stale edit',
    params: IdParams,
    body: UpdateScheduleRequest,
    response: ReportSchedule,
    errors: [409],
    handler: ({ ctx, params, body, req }) => {
      const dto = updateSchedule(ctx, params.id, body, parseIfMatch(req.get('if-match')));
      return new Reply(200, dto, etag(dto.version));
    },
  }),
  defineRoute({
    method: 'delete',
    path: '/reports/schedules/:id',
    tag: TAG,
    access: 'report:export',
    summary: 'Delete a schedule (its past runs and files stay)',
    params: IdParams,
    response: null,
    handler: ({ ctx, params }) => {
      deleteSchedule(ctx, params.id);
      return new Reply(204, undefined);
    },
  }),
  defineRoute({
    method: 'post',
    path: '/reports/schedules/:id/restore',
    tag: TAG,
    access: 'report:export',
    summary: 'Undo the delete of a schedule; it runs again from its next period',
    params: IdParams,
    response: ReportSchedule,
    status: 200,
    errors: [409],
    handler: ({ ctx, params }) => {
      const dto = restoreSchedule(ctx, params.id);
      return new Reply(200, dto, etag(dto.version));
    },
  }),
  defineRoute({
    method: 'get',
    path: '/reports/schedules/:id/runs',
    tag: TAG,
    access: 'report:export',
    summary: 'Run history of a schedule, newest first',
    params: IdParams,
    response: z.object({ items: z.array(ReportJob), nextCursor: z.string().nullable() }),
    handler: ({ ctx, params }) => ({
      items: listRuns(ctx, params.id).map((r) => ({
        id: r.id,
        kind: r.kind,
        state: r.state,
        progress: r.state === 'done' ? 1 : 0,
        message: r.message,
        fileName: r.fileName,
        sizeBytes: r.sizeBytes,
        scheduleId: r.scheduleId,
        createdAt: iso(r.createdAt),
        finishedAt: iso(r.finishedAt),
      })),
      nextCursor: null,
    }),
  }),
];
