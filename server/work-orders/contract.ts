import { z } from 'zod';
import { Id, IsoTime, ListQueryBase } from '../http/contract-common.js';
import {
  ChecklistItemSchema,
  PrioritySchema,
  RequiredSkillSchema,
  SlaStateSchema,
  WorkOrderStatusSchema,
  WorkOrderTypeSchema,
} from './contract-domain.js';
import { OccurredAt, Position } from './contract-field.js';

/** Work-order API contract (zod only: the renderer bundles it). Times are ISO-8601 strings here. */

const Title = z.string().trim().min(1, 'must not be empty').max(200);
const Description = z.string().max(10_000);
const DurationMin = z
  .number()
  .int()
  .min(1)
  .max(60 * 24 * 30);

/**
 * The status is never edited in place: the lifecycle (roles, preconditions, SLA clocks) lives on
 * the transitions endpoint, so a PATCH carrying it is told where to go instead of "unknown key".
 */
function strictBody<S extends z.core.$ZodLooseShape>(shape: S) {
  return z.strictObject(shape, {
    error: (iss) =>
      iss.code === 'unrecognized_keys' && iss.keys.includes('status')
        ? 'status cannot be changed here; use POST /work-orders/{id}/transitions with {"to": "<STATUS>"}'
        : undefined,
  });
}

export const CreateWorkOrderRequest = strictBody({
  title: Title,
  description: Description.optional(),
  type: WorkOrderTypeSchema.optional().meta({ description: 'Required unless templateId supplies it' }),
  priority: PrioritySchema.optional().meta({ description: 'Required unless templateId supplies it' }),
  locationId: Id.optional(),
  assetId: Id.optional(),
  projectId: Id.optional(),
  phaseId: Id.optional(),
  templateId: Id.optional(),
  teamId: Id.optional(),
  assigneeId: Id.optional(),
  durationMin: DurationMin.optional(),
  plannedStart: IsoTime.optional(),
  plannedEnd: IsoTime.optional(),
}).meta({ id: 'CreateWorkOrder' });
export type CreateWorkOrderInput = z.infer<typeof CreateWorkOrderRequest>;

export const UpdateWorkOrderRequest = strictBody({
  title: Title.optional(),
  description: Description.nullable().optional(),
  priority: PrioritySchema.optional(),
  type: WorkOrderTypeSchema.optional(),
  locationId: Id.nullable().optional(),
  assetId: Id.nullable().optional(),
  durationMin: DurationMin.optional(),
  plannedStart: IsoTime.nullable().optional(),
  plannedEnd: IsoTime.nullable().optional(),
  projectId: Id.nullable().optional(),
  phaseId: Id.nullable().optional(),
}).meta({ id: 'UpdateWorkOrder' });
export type UpdateWorkOrderInput = z.infer<typeof UpdateWorkOrderRequest>;

export const TransitionRequest = z
  .strictObject({
    to: WorkOrderStatusSchema,
    reason: z.string().trim().min(1).max(500).optional().meta({ description: 'Required when putting work ON_HOLD' }),
    note: z.string().max(2000).optional(),
    position: Position.optional().meta({ description: 'Where the crew was when they tapped; stored in the timeline event' }),
    occurredAt: OccurredAt.optional(),
  })
  .meta({ id: 'WorkOrderTransition' });
export type TransitionInput = z.infer<typeof TransitionRequest> & { expectedVersion?: number | undefined };

export const AssignmentRequest = z
  .strictObject({
    assigneeId: Id.nullable().optional(),
    teamId: Id.nullable().optional(),
    plannedStart: IsoTime.nullable().optional(),
    plannedEnd: IsoTime.nullable().optional(),
  })
  .refine((b) => Object.values(b).some((v) => v !== undefined), {
    message: 'give at least one of assigneeId, teamId, plannedStart, plannedEnd',
  })
  .meta({ id: 'WorkOrderAssignment' });
export type AssignmentInput = z.infer<typeof AssignmentRequest>;

export const ClosureRequest = z
  .strictObject({
    decision: z.enum(['approved', 'rejected']),
    comment: z.string().trim().min(1).max(2000).optional().meta({ description: 'Required when rejecting' }),
  })
  .meta({ id: 'ClosureDecision' });
export type ClosureInput = z.infer<typeof ClosureRequest>;

export const ChecklistAnswerRequest = z
  .strictObject({
    value: z.union([z.boolean(), z.number(), z.string()]).meta({ description: 'yesno → boolean, number → number, text → string' }),
    note: z.string().max(2000).optional(),
  })
  .meta({ id: 'ChecklistAnswer' });
export type ChecklistAnswerInput = z.infer<typeof ChecklistAnswerRequest>;

export const MaterialUsageRequest = z
  .strictObject({
    itemId: Id,
    depotId: Id,
    quantity: z.number().positive().max(1_000_000),
  })
  .meta({ id: 'MaterialUsageRequest' });
export type MaterialUsageInput = z.infer<typeof MaterialUsageRequest>;

export const ChecklistItemParams = z.strictObject({
  id: Id,
  itemId: z
    .string()
    .min(1)
    .max(40)
    .regex(/^[\w-]+$/, 'letters, digits, "_" and "-" only'),
});

function commaList<T extends z.ZodType<string, string>>(values: T) {
  return z
    .string()
    .max(500)
    .transform((s) =>
      s
        .split(',')
        .map((v) => v.trim())
        .filter(Boolean),
    )
    .pipe(z.array(values).min(1));
}

export const WORK_ORDER_SORT_KEYS = ['createdAt', 'updatedAt', 'priority', 'dueAt', 'plannedStart', 'number'] as const;

export const WorkOrderListQuery = z.strictObject({
  ...ListQueryBase,
  sort: z
    .string()
    .max(40)
    .optional()
    .meta({ description: `One of ${WORK_ORDER_SORT_KEYS.join(', ')}; "-" prefix for descending. Default -createdAt` }),
  status: commaList(WorkOrderStatusSchema).optional().meta({ description: 'Comma-separated statuses' }),
  priority: commaList(PrioritySchema).optional(),
  type: commaList(WorkOrderTypeSchema).optional(),
  teamId: Id.optional(),
  assigneeId: Id.optional(),
  unassigned: z
    .enum(['true', 'false'])
    .transform((v) => v === 'true')
    .optional(),
  locationId: Id.optional(),
  assetId: Id.optional(),
  projectId: Id.optional(),
  dueFrom: IsoTime.optional(),
  dueTo: IsoTime.optional(),
  plannedFrom: IsoTime.optional(),
  plannedTo: IsoTime.optional(),
  slaState: SlaStateSchema.optional(),
  q: z.string().trim().min(1).max(200).optional().meta({ description: 'Text search over number, title and description (prefix match)' }),
});
export type WorkOrderListFilter = z.infer<typeof WorkOrderListQuery>;

/** The list's filters without paging or sort: what GET /work-orders/counts counts. */
export const WorkOrderCountsQuery = WorkOrderListQuery.omit({ limit: true, cursor: true, sort: true });

export const WorkOrderCounts = z.object({
  /** Work orders per status under the filters; a status with none is 0. */
  byStatus: z.record(WorkOrderStatusSchema, z.number().int()),
  total: z.number().int(),
});
export type WorkOrderCountsDto = z.infer<typeof WorkOrderCounts>;

export const WorkOrder = z
  .object({
    id: Id,
    number: z.string(),
    title: z.string(),
    description: z.string().nullable(),
    type: WorkOrderTypeSchema,
    priority: PrioritySchema,
    status: WorkOrderStatusSchema,
    depotId: Id.nullable(),
    locationId: Id.nullable(),
    assetId: Id.nullable(),
    projectId: Id.nullable(),
    phaseId: Id.nullable(),
    templateId: Id.nullable(),
    teamId: Id.nullable(),
    assigneeId: Id.nullable(),
    requiredSkills: z.array(RequiredSkillSchema),
    checklist: z.array(ChecklistItemSchema),
    requiresSignature: z.boolean(),
    plannedStart: IsoTime.nullable(),
    plannedEnd: IsoTime.nullable(),
    durationMin: z.number().int(),
    slaPolicyId: Id.nullable(),
    slaState: SlaStateSchema.nullable(),
    responseDueAt: IsoTime.nullable(),
    responseAtRiskAt: IsoTime.nullable(),
    resolutionDueAt: IsoTime.nullable(),
    resolutionAtRiskAt: IsoTime.nullable(),
    respondedAt: IsoTime.nullable(),
    completedAt: IsoTime.nullable(),
    closedAt: IsoTime.nullable(),
    cancelledAt: IsoTime.nullable(),
    onHoldSince: IsoTime.nullable(),
    heldFromStatus: WorkOrderStatusSchema.nullable(),
    holdReason: z.string().nullable(),
    slaPausedMs: z.number().int(),
    createdBy: Id.nullable(),
    createdAt: IsoTime,
    updatedAt: IsoTime,
    version: z.number().int(),
  })
  .meta({ id: 'WorkOrder' });
export type WorkOrderDto = z.infer<typeof WorkOrder>;

export const WorkOrderEvent = z
  .object({
    id: Id,
    type: z.string(),
    fromStatus: WorkOrderStatusSchema.nullable(),
    toStatus: WorkOrderStatusSchema.nullable(),
    actorId: Id.nullable(),
    actorName: z.string().nullable(),
    at: IsoTime,
    data: z.unknown(),
  })
  .meta({ id: 'WorkOrderEvent' });

/** The work order's audit trail uses the org-wide audit entry shape. */
export { AuditEntry } from '../audit/contract.js';

export const ClosureApproval = z
  .object({
    id: Id,
    workOrderId: Id,
    requestedBy: Id.nullable(),
    requestedAt: IsoTime,
    decision: z.enum(['pending', 'approved', 'rejected']),
    decidedBy: Id.nullable(),
    decidedAt: IsoTime.nullable(),
    comment: z.string().nullable(),
    version: z.number().int(),
  })
  .meta({ id: 'ClosureApproval' });

export const ChecklistAnswer = z.object({
  itemId: z.string(),
  value: z.union([z.boolean(), z.number(), z.string()]).nullable(),
  note: z.string().nullable(),
  answeredBy: Id.nullable(),
  answeredAt: IsoTime,
  version: z.number().int(),
});
export type ChecklistAnswerDto = z.infer<typeof ChecklistAnswer>;

export const ChecklistView = z.object({
  items: z.array(z.object({ item: ChecklistItemSchema, answer: ChecklistAnswer.nullable() })),
  complete: z.boolean().meta({ description: 'Every required item has an answer' }),
});

export const MaterialUsage = z
  .object({
    id: Id,
    workOrderId: Id,
    itemId: Id,
    sku: z.string(),
    name: z.string(),
    unit: z.string(),
    depotId: Id,
    quantity: z.number(),
    usedBy: Id.nullable(),
    usedAt: IsoTime,
  })
  .meta({ id: 'MaterialUsage' });
