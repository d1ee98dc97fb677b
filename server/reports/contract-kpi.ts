import { z } from 'zod';
import { Id, IsoTime } from '../http/contract-common.js';

// Mirrors db/schema/projects.ts WORK_ORDER_TYPES (contracts import only zod and other contracts).
const WORK_ORDER_TYPES = ['corrective', 'preventive', 'inspection', 'installation', 'emergency'] as const;

/** GET /reports/kpis: the KpiReport of server/reports/kpi-types.ts with ISO times (zod only: the console bundles it). */

export const MAX_SPAN_DAYS = 800;

export const KpiFiltersSchema = z.strictObject({
  depotId: Id.optional(),
  teamId: Id.optional(),
  assigneeId: Id.optional(),
  type: z.enum(WORK_ORDER_TYPES).optional(),
  locationId: Id.optional(),
  assetId: Id.optional(),
});

export const KpiQuerySchema = KpiFiltersSchema.extend({
  from: IsoTime.meta({ description: 'Period start (inclusive)' }),
  to: IsoTime.meta({ description: 'Period end (exclusive)' }),
})
  .refine((q) => Date.parse(q.to) > Date.parse(q.from), { message: '"to" must be after "from"', path: ['to'] })
  .refine((q) => Date.parse(q.to) - Date.parse(q.from) <= MAX_SPAN_DAYS * 86_400_000, {
    message: `the period may span at most ${MAX_SPAN_DAYS} days`,
    path: ['to'],
  });
export type KpiQueryInput = z.infer<typeof KpiQuerySchema>;

const RatioSchema = z.object({ numerator: z.number(), denominator: z.number(), value: z.number().nullable() });

const SummaryFields = {
  created: z.number().int(),
  completed: z.number().int(),
  cancelled: z.number().int(),
  backlog: z.number().int(),
  backlogAgeMeanH: z.number().nullable(),
  backlogAgeMaxH: z.number().nullable(),
  onTime: RatioSchema,
  slaResponse: RatioSchema,
  slaResolution: RatioSchema,
  mttrRespondH: z.number().nullable(),
  mttrRepairH: z.number().nullable(),
  firstTimeFix: RatioSchema,
  overdue: z.number().int(),
  plannedMin: z.number(),
  actualMin: z.number(),
  utilisation: RatioSchema,
};
export const KpiSummarySchema = z.object(SummaryFields).meta({ id: 'KpiSummary', description: 'Definitions: server/reports/kpi-types.ts' });

export const KPI_DIMENSIONS = ['team', 'technician', 'type', 'location', 'asset'] as const;
export const KpiRowSchema = z.object({ dimension: z.enum(KPI_DIMENSIONS), key: z.string(), label: z.string(), ...SummaryFields });

const TrendPointSchema = z.object({
  at: IsoTime,
  created: z.number().int(),
  completed: z.number().int(),
  backlog: z.number().int(),
  slaResolution: RatioSchema,
});

export const KpiReportSchema = z
  .object({
    query: z.object({
      from: IsoTime,
      to: IsoTime,
      now: IsoTime,
      zone: z.string(),
      locale: z.string().optional(),
      filters: KpiFiltersSchema,
    }),
    generatedAt: IsoTime,
    summary: KpiSummarySchema,
    byDimension: z.object({
      team: z.array(KpiRowSchema),
      technician: z.array(KpiRowSchema),
      type: z.array(KpiRowSchema),
      location: z.array(KpiRowSchema),
      asset: z.array(KpiRowSchema),
    }),
    mtbf: z.array(z.object({ assetId: z.string(), label: z.string(), failures: z.number().int(), mtbfH: z.number().nullable() })),
    daily: z.array(TrendPointSchema),
    weekly: z.array(TrendPointSchema),
    breached: z.array(
      z.object({
        id: Id,
        number: z.string(),
        title: z.string(),
        teamName: z.string().nullable(),
        assigneeName: z.string().nullable(),
        kind: z.enum(['response', 'resolution']),
        dueAt: IsoTime,
        metAt: IsoTime.nullable(),
        lateByMin: z.number().int(),
        reasons: z.array(z.string()),
      }),
    ),
    breachedTotal: z.number().int(),
    /** How long the host took to compute it, for the curious and for the bench. */
    computeMs: z.number(),
  })
  .meta({ id: 'KpiReport' });
export type KpiReportDto = z.infer<typeof KpiReportSchema>;
