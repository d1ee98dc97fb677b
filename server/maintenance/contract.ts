import { z } from 'zod';
import { Id, IsoTime, Name } from '../http/contract-common.js';
import { patchSchema, TrackedDto } from '../http/crud-contract.js';

/** Preventive maintenance plans (issue 19, 4): request and response shapes, shared with the console. */

export const MaintenancePlanKindSchema = z.enum(['calendar', 'meter']);
export const MeterModeSchema = z.enum(['counter', 'trend']);

/** A floating local date-time in the depot's zone (RFC 5545 DTSTART without TZID). */
export const LocalDateTime = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/, 'a local date and time, "YYYY-MM-DDTHH:mm"')
  .meta({ description: "Local date-time in the plan's depot zone" });

const RRuleText = z
  .string()
  .trim()
  .min(6)
  .max(500)
  .meta({ description: 'RFC 5545 RRULE without DTSTART, e.g. "FREQ=MONTHLY;INTERVAL=3"; DAILY or coarser' });

const fields = {
  name: Name,
  templateId: Id,
  /** The depot whose host generates the work and whose zone reads the rule (default: this host's depot). */
  depotId: Id.nullable().optional(),
  assetId: Id.nullable().optional(),
  /** Every live asset of this category (at `locationId`, if given), one work order each. */
  assetCategory: z.string().trim().min(1).max(60).nullable().optional(),
  locationId: Id.nullable().optional(),
  kind: MaintenancePlanKindSchema,
  rrule: RRuleText.nullable().optional(),
  dtstart: LocalDateTime.nullable().optional(),
  meterDeviceId: Id.nullable().optional(),
  meterMetric: z.string().trim().min(1).max(60).nullable().optional(),
  meterMode: MeterModeSchema.nullable().optional(),
  /** counter: service every this many units (run hours, cycles). */
  meterInterval: z.number().positive().max(1e12).nullable().optional(),
  /** counter: the reading at the last service; trend: the healthy value (above the threshold means the reading falls toward it). */
  meterBaseline: z.number().min(-1e12).max(1e12).nullable().optional(),
  /** trend: the value whose crossing is due for service. */
  meterThreshold: z.number().min(-1e12).max(1e12).nullable().optional(),
  horizonDays: z.number().int().min(1).max(366).default(14),
  paused: z.boolean().default(false),
};

export const MaintenancePlanCreate = z.strictObject(fields).meta({ id: 'MaintenancePlanCreate' });
export const MaintenancePlanUpdate = patchSchema(fields).meta({ id: 'MaintenancePlanUpdate' });
export type MaintenancePlanCreateInput = z.input<typeof MaintenancePlanCreate>;

export const MaintenancePlan = z
  .object({
    ...TrackedDto,
    name: z.string(),
    templateId: Id,
    depotId: Id.nullable(),
    assetId: Id.nullable(),
    assetCategory: z.string().nullable(),
    locationId: Id.nullable(),
    kind: MaintenancePlanKindSchema,
    rrule: z.string().nullable(),
    dtstart: z.string().nullable(),
    meterDeviceId: Id.nullable(),
    meterMetric: z.string().nullable(),
    meterMode: MeterModeSchema.nullable(),
    meterInterval: z.number().nullable(),
    meterBaseline: z.number().nullable(),
    meterThreshold: z.number().nullable(),
    horizonDays: z.number().int(),
    paused: z.boolean(),
  })
  .meta({ id: 'MaintenancePlan' });
export type MaintenancePlanDto = z.infer<typeof MaintenancePlan>;

export const SkipOccurrenceRequest = z
  .strictObject({ occurrenceKey: z.string().min(3).max(200).meta({ description: 'As the forecast names it' }) })
  .meta({ id: 'SkipMaintenanceOccurrence' });

/** The forecast window may span at most this many days. */
export const FORECAST_MAX_DAYS = 400;

export const ForecastQuery = z
  .strictObject({ from: IsoTime, to: IsoTime, planId: Id.optional() })
  .refine((q) => Date.parse(q.to) > Date.parse(q.from), { message: 'to must be after from', path: ['to'] })
  .refine((q) => Date.parse(q.to) - Date.parse(q.from) <= FORECAST_MAX_DAYS * 86_400_000, {
    message: `at most ${FORECAST_MAX_DAYS} days`,
    path: ['to'],
  });

export const ForecastItem = z
  .object({
    planId: Id,
    planName: z.string(),
    kind: MaintenancePlanKindSchema,
    occurrenceKey: z.string(),
    assetId: Id.nullable(),
    locationId: Id.nullable(),
    templateId: Id,
    /** When the work is due: the rule's instant, or the meter's projected (or observed) date. */
    dueAt: IsoTime,
    endAt: IsoTime,
    durationMin: z.number().int(),
    /** generated: a work order exists for this occurrence; forecast: not yet. */
    state: z.enum(['generated', 'forecast']),
    workOrderId: Id.nullable(),
    /** Meter plans: the meter value the occurrence is for, and whether its date is a projection. */
    meterTarget: z.number().nullable(),
    projected: z.boolean(),
  })
  .meta({ id: 'MaintenanceForecastItem' });
export type ForecastItemDto = z.infer<typeof ForecastItem>;

export const Forecast = z.object({ items: z.array(ForecastItem), truncated: z.boolean() }).meta({ id: 'MaintenanceForecast' });
export type ForecastDto = z.infer<typeof Forecast>;
