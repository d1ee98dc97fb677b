import { z } from 'zod';
import { Id, IsoTime } from '../http/contract-common.js';

/** Report jobs, files, schedules and share links (zod only: the console bundles these). */

export const ReportKindSchema = z.enum(['kpi-pdf', 'workbook', 'jobcard']);
export const ReportCadenceSchema = z.enum(['daily', 'weekly', 'monthly']);
export const ReportRunStateSchema = z.enum(['queued', 'running', 'done', 'failed', 'cancelled']);

export const ReportFilters = z
  .strictObject({
    depotId: Id.optional(),
    teamId: Id.optional(),
    assigneeId: Id.optional(),
    type: z.enum(['corrective', 'preventive', 'inspection', 'installation', 'emergency']).optional(),
    locationId: Id.optional(),
    assetId: Id.optional(),
  })
  .meta({ id: 'ReportFilters' });

export const CreateReportJobRequest = z
  .strictObject({
    kind: ReportKindSchema,
    from: IsoTime.optional().meta({ description: 'Period start (inclusive); default 30 days before `to`' }),
    to: IsoTime.optional().meta({ description: 'Period end (exclusive); default now' }),
    filters: ReportFilters.default({}),
    workOrderId: Id.optional().meta({ description: "jobcard: one work order; without it, the period's work orders (up to 200)" }),
  })
  .refine((r) => !r.from || !r.to || Date.parse(r.from) < Date.parse(r.to), { message: 'from must be before to', path: ['from'] });

export const ReportJob = z
  .object({
    id: Id,
    kind: ReportKindSchema,
    state: ReportRunStateSchema,
    progress: z.number().min(0).max(1),
    message: z.string().nullable(),
    fileName: z.string().nullable(),
    sizeBytes: z.number().int().nullable(),
    scheduleId: Id.nullable(),
    createdAt: IsoTime,
    finishedAt: IsoTime.nullable(),
  })
  .meta({ id: 'ReportJob' });
export type ReportJobDto = z.infer<typeof ReportJob>;

export const ReportFile = z
  .object({
    runId: Id,
    kind: ReportKindSchema,
    fileName: z.string(),
    sizeBytes: z.number().int().nullable(),
    scheduleId: Id.nullable(),
    createdAt: IsoTime,
    url: z.string().meta({ description: 'GET it (signed in) to download' }),
  })
  .meta({ id: 'ReportFile' });
export type ReportFileDto = z.infer<typeof ReportFile>;

export const ScheduleName = z.string().trim().min(1).max(120);
export const CreateScheduleRequest = z.strictObject({
  name: ScheduleName,
  kind: z.enum(['kpi-pdf', 'workbook']),
  cadence: ReportCadenceSchema,
  filters: ReportFilters.default({}),
  enabled: z.boolean().default(true),
});
export const UpdateScheduleRequest = z.strictObject({
  name: ScheduleName.optional(),
  kind: z.enum(['kpi-pdf', 'workbook']).optional(),
  cadence: ReportCadenceSchema.optional(),
  filters: ReportFilters.optional(),
  enabled: z.boolean().optional(),
});

export const ReportSchedule = z
  .object({
    id: Id,
    name: z.string(),
    slug: z.string().meta({ description: "The end of its files' names: <kind>-<yyyy-mm-dd>-<slug>.<ext>" }),
    kind: ReportKindSchema,
    cadence: ReportCadenceSchema,
    filters: ReportFilters,
    enabled: z.boolean(),
    lastPeriodEnd: IsoTime.nullable().meta({ description: 'End of the last period a run was made for' }),
    nextRunAt: IsoTime.nullable().meta({ description: 'When the next period ends and its run starts' }),
    version: z.number().int(),
    createdAt: IsoTime,
    updatedAt: IsoTime,
  })
  .meta({ id: 'ReportSchedule' });
export type ReportScheduleDto = z.infer<typeof ReportSchedule>;

export const CreateShareRequest = z.strictObject({
  expiresAt: IsoTime,
  password: z.string().min(4).max(200).optional(),
});

export const ShareLink = z
  .object({
    id: Id,
    workOrderId: Id,
    codeHint: z.string().meta({ description: 'The first characters of the code; the whole link is shown only when it is made' }),
    hasPassword: z.boolean(),
    expiresAt: IsoTime,
    revokedAt: IsoTime.nullable(),
    opens: z.number().int(),
    lastOpenedAt: IsoTime.nullable(),
    createdAt: IsoTime,
    state: z.enum(['active', 'expired', 'revoked']),
  })
  .meta({ id: 'ShareLink' });
export type ShareLinkDto = z.infer<typeof ShareLink>;

export const CreatedShareLink = ShareLink.extend({
  code: z.string(),
  url: z.string().meta({ description: 'Path of the public status page on this host (/s/<code>)' }),
}).meta({ id: 'CreatedShareLink' });
export type CreatedShareLinkDto = z.infer<typeof CreatedShareLink>;
