import { z } from 'zod';
import { IsoTime } from '../http/contract-common.js';
import { KpiQuerySchema, KpiSummarySchema, MAX_SPAN_DAYS } from '../reports/contract-kpi.js';

/**
 * The managers' view across depots (issue 16 item 4), served by the hub under /hub/v1/org. Its
 * figures come from a read-only replica of the organization built with the depot's own schema,
 * apply code and KPI engine (server/org-view/replica.ts), so every number means what it means in a
 * depot's Reports view. The renderer (renderer/org/) bundles this file: zod and contracts only.
 */

/** A period as the depot's KPI query takes it: half-open, ending after it starts, at most MAX_SPAN_DAYS long. */
function period<T extends z.ZodObject<{ from: typeof IsoTime; to: typeof IsoTime }>>(schema: T) {
  return schema
    .refine((q) => Date.parse(q.to) > Date.parse(q.from), { message: '"to" must be after "from"', path: ['to'] })
    .refine((q) => Date.parse(q.to) - Date.parse(q.from) <= MAX_SPAN_DAYS * 86_400_000, {
      message: `the period may span at most ${MAX_SPAN_DAYS} days`,
      path: ['to'],
    });
}

export const OrgPeriodSchema = period(z.strictObject({ from: IsoTime, to: IsoTime }));
export type OrgPeriod = z.infer<typeof OrgPeriodSchema>;

/** KPIs of the whole org or one depot (`depotId`), with every breakdown a depot's report has. */
export { KpiQuerySchema as OrgKpiQuerySchema };

export const ReplicaStatusSchema = z.object({
  /** The hub's org version the figures include. */
  version: z.number().int(),
  /** The hub's current version when the answer was made; equal to `version` unless a catch-up was cut short. */
  hubVersion: z.number().int(),
  /** When the replica last caught up. */
  caughtUpAt: IsoTime,
});
export type ReplicaStatus = z.infer<typeof ReplicaStatusSchema>;

export const OrgDepotSchema = z.object({
  /** The depot's row id (`depotId` in work orders and KPI filters). */
  id: z.string(),
  code: z.string(),
  name: z.string(),
  timeZone: z.string(),
  lat: z.number().nullable(),
  lon: z.number().nullable(),
  /** From the hub's node record: when this depot last pushed and pulled (null: never, or not enrolled as such). */
  lastPushAt: IsoTime.nullable(),
  lastPullAt: IsoTime.nullable(),
  /** Open work now (neither completed, closed nor cancelled). */
  openNow: z.number().int(),
  /** Open work past its resolution due time now. */
  overdueNow: z.number().int(),
  summary: KpiSummarySchema,
});
export type OrgDepot = z.infer<typeof OrgDepotSchema>;

export const OrgOverviewSchema = z.object({
  org: z.object({ name: z.string(), timeZone: z.string() }),
  period: z.object({ from: IsoTime, to: IsoTime }),
  replica: ReplicaStatusSchema,
  depots: z.array(OrgDepotSchema),
  /** Work with no depot (created before depots were recorded on work orders). */
  unassignedOpenNow: z.number().int(),
  combined: KpiSummarySchema.extend({ openNow: z.number().int(), overdueNow: z.number().int() }),
  computeMs: z.number(),
});
export type OrgOverview = z.infer<typeof OrgOverviewSchema>;

export const OPEN_WORK_LIMIT = 20_000;

export const OpenWorkQuerySchema = z.strictObject({
  depotId: z.string().max(64).optional(),
});

export const OpenWorkItemSchema = z.object({
  id: z.string(),
  number: z.string(),
  title: z.string(),
  status: z.string(),
  priority: z.string(),
  depotId: z.string().nullable(),
  lat: z.number(),
  lon: z.number(),
  resolutionDueAt: IsoTime.nullable(),
  overdue: z.boolean(),
});
export type OpenWorkItem = z.infer<typeof OpenWorkItemSchema>;

export const OpenWorkSchema = z.object({
  replica: ReplicaStatusSchema,
  /** Open work with a located site, most urgent first, at most OPEN_WORK_LIMIT. */
  items: z.array(OpenWorkItemSchema),
  /** Open work in scope, located or not. */
  total: z.number().int(),
  /** Open work without coordinates (no location, or a location without a position): not on the map. */
  unlocated: z.number().int(),
});
export type OpenWork = z.infer<typeof OpenWorkSchema>;

export const OrgReportQuerySchema = period(z.strictObject({ from: IsoTime, to: IsoTime, depotId: z.string().max(64).optional() }));
