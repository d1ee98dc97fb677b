import type { Request } from 'express';
import { IdParams, page } from '../http/contract-common.js';
import { defineRoute, Reply, type AnyRoute } from '../http/route.js';
import { ValidationError } from '../errors.js';
import {
  AssignmentRequest,
  AuditEntry,
  ChecklistAnswer,
  ChecklistAnswerRequest,
  ChecklistItemParams,
  ChecklistView,
  ClosureApproval,
  ClosureRequest,
  CreateWorkOrderRequest,
  MaterialUsage,
  MaterialUsageRequest,
  TransitionRequest,
  UpdateWorkOrderRequest,
  WorkOrder,
  WorkOrderEvent,
  WorkOrderListQuery,
  type WorkOrderDto,
} from './contract.js';
import { etagOf, toClosureDto, toWorkOrderDto } from './dto.js';
import { answerChecklistItem, getChecklist, recordMaterialUsage } from './field.js';
import { getWorkOrder, listAudit, listClosures, listEvents, listMaterials, listWorkOrders } from './repo.js';
import { assignWorkOrder, createWorkOrder, updateWorkOrder } from './service.js';
import { planWorkOrder } from './plan.js';
import { decideClosure, transitionWorkOrder } from './transitions.js';

const TAG = 'Work orders';

/** If-Match: "<version>" (the ETag we send), also W/"n" or a bare n; "*" or no header means "any version". */
export function expectedVersion(req: Request): number | undefined {
  const header = req.get('if-match');
  if (header === undefined || header.trim() === '*') return undefined;
  const m = /^\s*(?:W\/)?"?(\d{1,9})"?\s*$/.exec(header);
  if (!m) {
    throw new ValidationError('If-Match must be the ETag of the work order you read, e.g. "3".', [
      { field: 'header.if-match', message: 'must be a version ETag such as "3"' },
    ]);
  }
  return Number(m[1]);
}

function withEtag(status: number, dto: WorkOrderDto): Reply<WorkOrderDto> {
  return new Reply(status, dto, { ETag: etagOf(dto.version) });
}

export const workOrderRoutes: AnyRoute[] = [
  defineRoute({
    method: 'post',
    path: '/work-orders',
    tag: TAG,
    access: 'workorder:create',
    summary: 'Create a work order (number, SLA due times and template defaults are filled in)',
    body: CreateWorkOrderRequest,
    response: WorkOrder,
    errors: [409, 422],
    handler: ({ ctx, body }) => {
      const dto = createWorkOrder(ctx, body);
      return new Reply(201, dto, { ETag: etagOf(dto.version), Location: `/api/v1/work-orders/${dto.id}` });
    },
  }),
  defineRoute({
    method: 'get',
    path: '/work-orders',
    tag: TAG,
    access: 'workorder:read',
    summary: 'List work orders with filters, sort and cursor paging; each item carries its SLA state',
    query: WorkOrderListQuery,
    response: page(WorkOrder),
    handler: ({ ctx, query }) => listWorkOrders(ctx, query),
  }),
  defineRoute({
    method: 'get',
    path: '/work-orders/:id',
    tag: TAG,
    access: 'workorder:read',
    summary: 'One work order; the ETag is its version, for If-Match on changes',
    params: IdParams,
    response: WorkOrder,
    handler: ({ ctx, params }) => withEtag(200, toWorkOrderDto(getWorkOrder(ctx, params.id), ctx.host.clock.now())),
  }),
  defineRoute({
    method: 'patch',
    path: '/work-orders/:id',
    tag: TAG,
    access: 'workorder:update',
    summary: 'Edit a work order (not its status: see transitions). If-Match guards against lost updates',
    params: IdParams,
    body: UpdateWorkOrderRequest,
    response: WorkOrder,
    errors: [409],
    handler: ({ ctx, params, body, req }) =>
      withEtag(200, updateWorkOrder(ctx, params.id, body, { expectedVersion: expectedVersion(req) })),
  }),
  defineRoute({
    method: 'post',
    path: '/work-orders/:id/transitions',
    tag: TAG,
    access: 'workorder:transition',
    status: 200,
    summary: 'Move a work order through its lifecycle; checked against the lifecycle and your role',
    params: IdParams,
    body: TransitionRequest,
    response: WorkOrder,
    errors: [409, 422],
    handler: ({ ctx, params, body, req }) =>
      withEtag(200, transitionWorkOrder(ctx, params.id, { ...body, expectedVersion: expectedVersion(req) })),
  }),
  defineRoute({
    method: 'post',
    path: '/work-orders/:id/assignment',
    tag: TAG,
    access: 'workorder:assign',
    status: 200,
    summary: 'Assign a person and/or team and plan the time window',
    params: IdParams,
    body: AssignmentRequest,
    response: WorkOrder,
    errors: [409, 422],
    handler: ({ ctx, params, body, req }) =>
      withEtag(200, assignWorkOrder(ctx, params.id, body, { expectedVersion: expectedVersion(req) })),
  }),
  defineRoute({
    method: 'post',
    path: '/work-orders/:id/plan',
    tag: TAG,
    access: 'workorder:assign',
    status: 200,
    summary: 'Plan in one step: assign and set the time window, and move NEW work to SCHEDULED, in one transaction (all or nothing)',
    params: IdParams,
    body: AssignmentRequest,
    response: WorkOrder,
    errors: [409, 422],
    handler: ({ ctx, params, body, req }) => withEtag(200, planWorkOrder(ctx, params.id, body, { expectedVersion: expectedVersion(req) })),
  }),
  defineRoute({
    method: 'post',
    path: '/work-orders/:id/closure',
    tag: TAG,
    access: 'workorder:approve',
    status: 200,
    summary: 'Approve (→ CLOSED) or reject with a comment (→ DISPATCHED) completed work',
    params: IdParams,
    body: ClosureRequest,
    response: WorkOrder,
    errors: [409, 422],
    handler: ({ ctx, params, body, req }) =>
      withEtag(200, decideClosure(ctx, params.id, { ...body, expectedVersion: expectedVersion(req) })),
  }),
  defineRoute({
    method: 'get',
    path: '/work-orders/:id/closure',
    tag: TAG,
    access: 'workorder:read',
    summary: 'Closure approval requests and decisions, oldest first',
    params: IdParams,
    response: page(ClosureApproval),
    handler: ({ ctx, params }) => {
      getWorkOrder(ctx, params.id);
      return { items: listClosures(ctx, params.id).map(toClosureDto), nextCursor: null };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/work-orders/:id/events',
    tag: TAG,
    access: 'workorder:read',
    summary: 'The timeline of a work order, oldest first',
    params: IdParams,
    response: page(WorkOrderEvent),
    handler: ({ ctx, params }) => {
      getWorkOrder(ctx, params.id);
      return { items: listEvents(ctx, params.id), nextCursor: null };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/work-orders/:id/audit',
    tag: TAG,
    access: 'audit:read',
    summary: 'Audit trail of a work order and its answers, approvals and materials',
    params: IdParams,
    response: page(AuditEntry),
    handler: ({ ctx, params }) => {
      getWorkOrder(ctx, params.id);
      return { items: listAudit(ctx, params.id), nextCursor: null };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/work-orders/:id/checklist',
    tag: TAG,
    access: 'workorder:read',
    summary: 'Checklist items with their answers',
    params: IdParams,
    response: ChecklistView,
    handler: ({ ctx, params }) => getChecklist(ctx, params.id),
  }),
  defineRoute({
    method: 'put',
    path: '/work-orders/:id/checklist/:itemId',
    tag: TAG,
    access: 'workorder:field',
    summary: 'Answer (or re-answer) one checklist item',
    params: ChecklistItemParams,
    body: ChecklistAnswerRequest,
    response: ChecklistAnswer,
    errors: [409],
    handler: ({ ctx, params, body, req }) =>
      answerChecklistItem(ctx, params.id, params.itemId, { ...body, expectedVersion: expectedVersion(req) }),
  }),
  defineRoute({
    method: 'post',
    path: '/work-orders/:id/materials',
    tag: TAG,
    access: 'stock:use',
    summary: 'Record material used on the job; the depot stock goes down in the same transaction',
    params: IdParams,
    body: MaterialUsageRequest,
    response: MaterialUsage,
    errors: [409, 422],
    handler: ({ ctx, params, body }) => recordMaterialUsage(ctx, params.id, body),
  }),
  defineRoute({
    method: 'get',
    path: '/work-orders/:id/materials',
    tag: TAG,
    access: 'workorder:read',
    summary: 'Materials used on a work order',
    params: IdParams,
    response: page(MaterialUsage),
    handler: ({ ctx, params }) => {
      getWorkOrder(ctx, params.id);
      return { items: listMaterials(ctx, params.id), nextCursor: null };
    },
  }),
];
