import { z } from 'zod';
import { IdParams } from '../../http/contract-common.js';
import { defineRoute, Reply, type AnyRoute } from '../../http/route.js';
import { newId } from '../../core/ids.js';
import { getWorkOrder } from '../../work-orders/repo.js';
import { CreateReportJobRequest, ReportFile, ReportJob } from '../contract-exports.js';
import { day } from '../pdf/format.js';
import { EXTENSION } from './build.js';
import { zoneFor } from '../zone.js';
import { listReportFiles, sendReport } from './files.js';
import { sendJobcard } from './jobcard-route.js';

const TAG = 'Reports';

export const reportJobRoutes: AnyRoute[] = [
  defineRoute({
    method: 'post',
    path: '/reports/jobs',
    tag: TAG,
    access: 'report:export',
    status: 202,
    summary:
      'Start building a report (KPI PDF, workbook, jobcards) in a background worker; poll GET /reports/jobs/{id} or listen for report_job on /ws',
    body: CreateReportJobRequest,
    response: z.object({ id: z.string() }),
    errors: [422],
    handler: ({ ctx, services, body }) => {
      if (body.workOrderId) getWorkOrder(ctx, body.workOrderId);
      const now = ctx.host.clock.now();
      const zone = zoneFor(ctx.host.sqlite, ctx.orgId, body.filters.depotId);
      // Unique per job so two requests never write the same file; scheduled files get predictable names instead.
      const fileName = `${body.kind}-${day(now, zone)}-${newId().slice(-8)}.${EXTENSION[body.kind]}`;
      const { id } = services.reportJobs.enqueue(
        ctx,
        {
          kind: body.kind,
          from: body.from ? Date.parse(body.from) : undefined,
          to: body.to ? Date.parse(body.to) : undefined,
          filters: body.filters,
          workOrderId: body.workOrderId,
        },
        { fileName },
      );
      return new Reply(202, { id }, { Location: `/api/v1/reports/jobs/${id}` });
    },
  }),
  defineRoute({
    method: 'get',
    path: '/reports/jobs/:id',
    tag: TAG,
    access: 'report:export',
    summary: 'State and progress of a report job',
    params: IdParams,
    response: ReportJob,
    handler: ({ ctx, services, params }) => services.reportJobs.get(ctx.orgId, params.id),
  }),
  defineRoute({
    method: 'delete',
    path: '/reports/jobs/:id',
    tag: TAG,
    access: 'report:export',
    status: 200,
    summary: 'Cancel a queued or running report job (a finished one is left as it is)',
    params: IdParams,
    response: ReportJob,
    handler: ({ ctx, services, params }) => services.reportJobs.cancel(ctx.orgId, params.id),
  }),
  defineRoute({
    method: 'get',
    path: '/reports/jobs/:id/file',
    tag: TAG,
    access: 'report:export',
    raw: true,
    summary: 'Download the file of a finished report job',
    params: IdParams,
    response: null,
    handler: async ({ ctx, services, params, res }) => {
      const { file, fileName } = services.reportJobs.filePath(ctx.orgId, params.id);
      await sendReport(res, file, fileName);
    },
  }),
  defineRoute({
    method: 'get',
    path: '/reports/files',
    tag: TAG,
    access: 'report:export',
    summary: 'Finished report files (on demand and scheduled), newest first',
    response: z.object({ items: z.array(ReportFile), nextCursor: z.string().nullable() }),
    handler: ({ ctx }) => ({ items: listReportFiles(ctx), nextCursor: null }),
  }),
  defineRoute({
    method: 'get',
    path: '/work-orders/:id/jobcard.pdf',
    tag: TAG,
    access: 'workorder:read',
    raw: true,
    summary:
      'The jobcard of one work order as a PDF (header, place, timeline, checklist, photos, signature, approval, materials, time on site)',
    params: IdParams,
    response: null,
    handler: async ({ ctx, params, res }) => {
      const wo = getWorkOrder(ctx, params.id);
      await sendJobcard(ctx.host, ctx.orgId, wo.id, res, { forCustomer: false });
    },
  }),
];
