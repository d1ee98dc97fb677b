import { sql } from 'drizzle-orm';
import { sqliteTable, text, integer, index, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { id, orgId, tracked, json } from './columns.js';
import { organizations, depots, users, teams } from './org.js';
import { locations, assets } from './places.js';
import { projects, projectPhases, taskTemplates, WORK_ORDER_TYPES, PRIORITIES } from './projects.js';
import { slaPolicies } from './sla.js';

export const WORK_ORDER_STATUSES = [
  'NEW',
  'SCHEDULED',
  'DISPATCHED',
  'EN_ROUTE',
  'ON_SITE',
  'ON_HOLD',
  'COMPLETED',
  'CLOSED',
  'CANCELLED',
] as const;
export type WorkOrderStatus = (typeof WORK_ORDER_STATUSES)[number];

export const workOrders = sqliteTable(
  'work_orders',
  {
    id: id(),
    orgId: orgId().references(() => organizations.id),
    depotId: text('depot_id').references(() => depots.id),
    /** Per-org running number shown to people ("WO-000123"); `seq` keeps it sortable. */
    number: text('number').notNull(),
    seq: integer('seq').notNull(),
    title: text('title').notNull(),
    description: text('description'),
    type: text('type', { enum: WORK_ORDER_TYPES }).notNull(),
    priority: text('priority', { enum: PRIORITIES }).notNull(),
    /** Generated so "sort by priority" can walk an index instead of sorting every row. */
    priorityRank: integer('priority_rank').generatedAlwaysAs(
      sql`CASE priority WHEN 'critical' THEN 0 WHEN 'high' THEN 1 WHEN 'medium' THEN 2 ELSE 3 END`,
      { mode: 'virtual' },
    ),
    status: text('status', { enum: WORK_ORDER_STATUSES }).notNull(),
    locationId: text('location_id').references(() => locations.id),
    assetId: text('asset_id').references(() => assets.id),
    projectId: text('project_id').references(() => projects.id),
    phaseId: text('phase_id').references(() => projectPhases.id),
    templateId: text('template_id').references(() => taskTemplates.id),
    teamId: text('team_id').references(() => teams.id),
    assigneeId: text('assignee_id').references(() => users.id),
    requiredSkills: json('required_skills').notNull(),
    checklist: json('checklist').notNull(),
    requiresSignature: integer('requires_signature', { mode: 'boolean' }).notNull().default(false),
    plannedStart: integer('planned_start'),
    plannedEnd: integer('planned_end'),
    durationMin: integer('duration_min').notNull(),
    slaPolicyId: text('sla_policy_id').references(() => slaPolicies.id),
    responseDueAt: integer('response_due_at'),
    responseAtRiskAt: integer('response_at_risk_at'),
    resolutionDueAt: integer('resolution_due_at'),
    resolutionAtRiskAt: integer('resolution_at_risk_at'),
    respondedAt: integer('responded_at'),
    completedAt: integer('completed_at'),
    closedAt: integer('closed_at'),
    cancelledAt: integer('cancelled_at'),
    onHoldSince: integer('on_hold_since'),
    heldFromStatus: text('held_from_status', { enum: WORK_ORDER_STATUSES }),
    holdReason: text('hold_reason'),
    slaPausedMs: integer('sla_paused_ms').notNull().default(0),
    createdBy: text('created_by').references(() => users.id),
    ...tracked(),
  },
  (t) => [
    uniqueIndex('work_orders_org_number_uq').on(t.orgId, t.number),
    index('work_orders_org_created_idx').on(t.orgId, t.createdAt, t.id),
    index('work_orders_org_updated_idx').on(t.orgId, t.updatedAt, t.id),
    // Ends with id so one status in the default order (createdAt, id) is read in index order, no sort.
    index('work_orders_org_status_created_idx').on(t.orgId, t.status, t.createdAt, t.id),
    // The board lists each status column by due time or priority: these let it read 50 rows in order
    // instead of sorting a whole column (measured 44 ms → under 1 ms on 100k work orders).
    index('work_orders_org_status_due_idx').on(t.orgId, t.status, t.resolutionDueAt, t.id),
    index('work_orders_org_status_priority_idx').on(t.orgId, t.status, t.priorityRank, t.createdAt, t.id),
    index('work_orders_org_assignee_idx').on(t.orgId, t.assigneeId, t.status),
    index('work_orders_org_team_idx').on(t.orgId, t.teamId, t.status),
    index('work_orders_org_location_idx').on(t.orgId, t.locationId),
    // Replaces (org_id, asset_id), its prefix: the KPI first-time-fix check seeks "corrective work on
    // this asset within 30 days after" per completed work order, and reads it from the index alone.
    index('work_orders_org_asset_created_idx').on(t.orgId, t.assetId, t.createdAt, t.type, t.status),
    index('work_orders_org_due_idx').on(t.orgId, t.resolutionDueAt, t.id),
    index('work_orders_org_planned_idx').on(t.orgId, t.plannedStart, t.id),
    index('work_orders_org_priority_idx').on(t.orgId, t.priorityRank, t.createdAt, t.id),
    index('work_orders_org_seq_idx').on(t.orgId, t.seq),
    // List filters with no index walked the sort index over every row when they matched few
    // (server/work-orders/list-plan.ts). Neither column changes in a status transition, so these
    // cost writes only when a work order is created or re-planned. Most work has no project.
    index('work_orders_org_type_idx').on(t.orgId, t.type),
    // "At risk" among open work: the instant each open work order can first be at risk (its response
    // risk while nobody has arrived, else its resolution risk), so the SLA filter reads the few whose
    // instant has passed instead of judging every open row (server/work-orders/sla-sql.ts riskFrom).
    index('work_orders_org_risk_idx')
      .on(
        t.orgId,
        sql`CASE WHEN ${sql.identifier('responded_at')} IS NULL THEN min(coalesce(${sql.identifier('response_at_risk_at')}, 9007199254740991), coalesce(${sql.identifier('resolution_at_risk_at')}, 9007199254740991)) ELSE coalesce(${sql.identifier('resolution_at_risk_at')}, 9007199254740991) END`,
      )
      .where(sql`status IN ('NEW', 'SCHEDULED', 'DISPATCHED', 'EN_ROUTE', 'ON_SITE', 'ON_HOLD')`),
    index('work_orders_org_project_idx')
      .on(t.orgId, t.projectId)
      .where(sql`project_id IS NOT NULL`),
  ],
);

export const workOrderEvents = sqliteTable(
  'work_order_events',
  {
    id: id(),
    orgId: orgId().references(() => organizations.id),
    workOrderId: text('work_order_id')
      .notNull()
      .references(() => workOrders.id),
    type: text('type').notNull(),
    fromStatus: text('from_status', { enum: WORK_ORDER_STATUSES }),
    toStatus: text('to_status', { enum: WORK_ORDER_STATUSES }),
    actorId: text('actor_id').references(() => users.id),
    at: integer('at').notNull(),
    data: json('data'),
  },
  (t) => [
    index('work_order_events_wo_idx').on(t.workOrderId, t.at),
    // KPI hold arithmetic (server/reports/kpi/sql.ts) reads a work order's status events of one kind
    // from these two without touching the table (1.1M events: ~1 µs a probe instead of a row read).
    index('work_order_events_wo_type_idx').on(t.workOrderId, t.type, t.at, t.fromStatus, t.toStatus),
    index('work_order_events_holds_idx')
      .on(t.orgId, t.workOrderId)
      .where(sql`${t.type} = 'status_changed' AND ${t.toStatus} = 'ON_HOLD'`),
  ],
);

export const checklistResults = sqliteTable(
  'checklist_results',
  {
    id: id(),
    orgId: orgId().references(() => organizations.id),
    workOrderId: text('work_order_id')
      .notNull()
      .references(() => workOrders.id),
    itemId: text('item_id').notNull(),
    value: json('value'),
    note: text('note'),
    answeredBy: text('answered_by').references(() => users.id),
    answeredAt: integer('answered_at').notNull(),
    ...tracked(),
  },
  (t) => [uniqueIndex('checklist_results_wo_item_uq').on(t.workOrderId, t.itemId)],
);

export const ATTACHMENT_KINDS = ['photo', 'document', 'signature'] as const;

export const attachments = sqliteTable(
  'attachments',
  {
    id: id(),
    orgId: orgId().references(() => organizations.id),
    workOrderId: text('work_order_id')
      .notNull()
      .references(() => workOrders.id),
    kind: text('kind', { enum: ATTACHMENT_KINDS }).notNull(),
    fileName: text('file_name').notNull(),
    mimeType: text('mime_type').notNull(),
    sizeBytes: integer('size_bytes').notNull(),
    sha256: text('sha256').notNull(),
    /** The original bytes as uploaded; kept unchanged as evidence. */
    storageKey: text('storage_key').notNull(),
    thumbnailKey: text('thumbnail_key'),
    /** Photos: the copy with the visible watermark (work-order number, time, coordinates) that people see. */
    displayKey: text('display_key'),
    meta: json('meta'),
    uploadedBy: text('uploaded_by').references(() => users.id),
    ...tracked(),
  },
  (t) => [index('attachments_wo_idx').on(t.workOrderId)],
);

export const APPROVAL_DECISIONS = ['pending', 'approved', 'rejected'] as const;

export const closureApprovals = sqliteTable(
  'closure_approvals',
  {
    id: id(),
    orgId: orgId().references(() => organizations.id),
    workOrderId: text('work_order_id')
      .notNull()
      .references(() => workOrders.id),
    requestedBy: text('requested_by').references(() => users.id),
    requestedAt: integer('requested_at').notNull(),
    decision: text('decision', { enum: APPROVAL_DECISIONS }).notNull().default('pending'),
    decidedBy: text('decided_by').references(() => users.id),
    decidedAt: integer('decided_at'),
    comment: text('comment'),
    ...tracked(),
  },
  (t) => [
    index('closure_approvals_wo_idx').on(t.workOrderId, t.requestedAt),
    // The KPI report reads the rejected ones as a set (first-time fix); a few percent of the rows.
    index('closure_approvals_rejected_idx')
      .on(t.orgId, t.workOrderId)
      .where(sql`${t.decision} = 'rejected'`),
  ],
);
