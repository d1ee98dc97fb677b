import type { InferSelectModel } from 'drizzle-orm';
import type { checklistResults, closureApprovals, workOrders } from '../../db/schema/index.js';
import { iso } from '../http/contract-common.js';
import { slaState } from '../sla/engine.js';
import type { ChecklistItem, RequiredSkill } from './contract-domain.js';
import type { ChecklistAnswerDto, WorkOrderDto } from './contract.js';

export type WorkOrderRow = InferSelectModel<typeof workOrders>;

/** The API shape of a work order: ISO times, and the SLA state as of `nowMs` (the host clock). */
export function toWorkOrderDto(r: WorkOrderRow, nowMs: number): WorkOrderDto {
  return {
    id: r.id,
    number: r.number,
    title: r.title,
    description: r.description,
    type: r.type,
    priority: r.priority,
    status: r.status,
    depotId: r.depotId,
    locationId: r.locationId,
    assetId: r.assetId,
    projectId: r.projectId,
    phaseId: r.phaseId,
    templateId: r.templateId,
    teamId: r.teamId,
    assigneeId: r.assigneeId,
    // Written only by this feature from validated input (templates are validated by their owner).
    requiredSkills: (r.requiredSkills ?? []) as RequiredSkill[],
    checklist: (r.checklist ?? []) as ChecklistItem[],
    requiresSignature: r.requiresSignature,
    plannedStart: iso(r.plannedStart),
    plannedEnd: iso(r.plannedEnd),
    durationMin: r.durationMin,
    slaPolicyId: r.slaPolicyId,
    slaState: slaState(r, nowMs),
    responseDueAt: iso(r.responseDueAt),
    responseAtRiskAt: iso(r.responseAtRiskAt),
    resolutionDueAt: iso(r.resolutionDueAt),
    resolutionAtRiskAt: iso(r.resolutionAtRiskAt),
    respondedAt: iso(r.respondedAt),
    completedAt: iso(r.completedAt),
    closedAt: iso(r.closedAt),
    cancelledAt: iso(r.cancelledAt),
    onHoldSince: iso(r.onHoldSince),
    heldFromStatus: r.heldFromStatus,
    holdReason: r.holdReason,
    slaPausedMs: r.slaPausedMs,
    createdBy: r.createdBy,
    createdAt: iso(r.createdAt),
    updatedAt: iso(r.updatedAt),
    version: r.version,
  };
}

export function etagOf(version: number): string {
  return `"${version}"`;
}

export function toClosureDto(r: InferSelectModel<typeof closureApprovals>) {
  return {
    id: r.id,
    workOrderId: r.workOrderId,
    requestedBy: r.requestedBy,
    requestedAt: iso(r.requestedAt),
    decision: r.decision,
    decidedBy: r.decidedBy,
    decidedAt: iso(r.decidedAt),
    comment: r.comment,
    version: r.version,
  };
}

export function toAnswerDto(r: InferSelectModel<typeof checklistResults>): ChecklistAnswerDto {
  return {
    itemId: r.itemId,
    value: (r.value ?? null) as ChecklistAnswerDto['value'],
    note: r.note,
    answeredBy: r.answeredBy,
    answeredAt: iso(r.answeredAt),
    version: r.version,
  };
}
