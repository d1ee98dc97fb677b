import { workOrders, workOrderEvents, checklistResults, attachments, closureApprovals } from './work-orders.js';
import { defineSyncPolicy, ROW_KEYS, TRACKED } from './sync-policy.js';

export const workOrdersPolicy = defineSyncPolicy(workOrders, {
  merge: 'entity',
  // Numbers carry the issuing depot's code (design 3.7), so two depots can never issue the same one.
  naturalKey: { columns: ['number'], rule: 'unique' },
  columns: {
    ...ROW_KEYS,
    depotId: 'synced',
    number: 'synced',
    // Issued with the number and never changed; the receiver keeps the issuer's value.
    seq: 'synced',
    title: 'synced',
    description: 'synced',
    type: 'synced',
    priority: 'synced',
    // A generated column: SQLite computes it from priority and refuses writes to it.
    priorityRank: 'derived',
    // Sent as a transition {from, to, v} that the receiver re-validates (design 3.6): the lifecycle is not monotone.
    status: 'intent',
    locationId: 'synced',
    assetId: 'synced',
    projectId: 'synced',
    phaseId: 'synced',
    templateId: 'synced',
    teamId: 'synced',
    assigneeId: 'synced',
    requiredSkills: 'synced',
    checklist: 'synced',
    requiresSignature: 'synced',
    plannedStart: 'synced',
    plannedEnd: 'synced',
    durationMin: 'synced',
    slaPolicyId: 'synced',
    // SLA times follow from the policy, the calendar and the transitions; the receiver computes its own.
    responseDueAt: 'derived',
    responseAtRiskAt: 'derived',
    resolutionDueAt: 'derived',
    resolutionAtRiskAt: 'derived',
    // Status stamps: set by the receiver when it applies the transition intent at the intent's HLC time.
    respondedAt: 'derived',
    completedAt: 'derived',
    closedAt: 'derived',
    cancelledAt: 'derived',
    onHoldSince: 'derived',
    heldFromStatus: 'derived',
    // An input of the ON_HOLD intent (what the person typed), so it travels.
    holdReason: 'synced',
    slaPausedMs: 'derived',
    createdBy: 'synced',
    ...TRACKED,
  },
});

export const workOrderEventsPolicy = defineSyncPolicy(workOrderEvents, {
  merge: 'append',
  columns: {
    ...ROW_KEYS,
    workOrderId: 'synced',
    type: 'synced',
    fromStatus: 'synced',
    toStatus: 'synced',
    actorId: 'synced',
    at: 'synced',
    data: 'synced',
  },
});

export const checklistResultsPolicy = defineSyncPolicy(checklistResults, {
  merge: 'entity',
  // Deterministic id (design 3.7): two crews answering the same item write one answer, last writer wins.
  naturalKey: { columns: ['work_order_id', 'item_id'], rule: 'same-row' },
  columns: {
    ...ROW_KEYS,
    workOrderId: 'synced',
    itemId: 'synced',
    value: 'synced',
    note: 'synced',
    answeredBy: 'synced',
    answeredAt: 'synced',
    ...TRACKED,
  },
});

export const attachmentsPolicy = defineSyncPolicy(attachments, {
  merge: 'entity',
  columns: {
    ...ROW_KEYS,
    workOrderId: 'synced',
    kind: 'synced',
    fileName: 'synced',
    mimeType: 'synced',
    sizeBytes: 'synced',
    // The content's identity: lets a replica fetch and verify the bytes once file sync exists.
    sha256: 'synced',
    // Paths in this depot's file store; meaningless elsewhere until file sync exists.
    storageKey: 'local',
    thumbnailKey: 'local',
    displayKey: 'local',
    meta: 'synced',
    uploadedBy: 'synced',
    ...TRACKED,
  },
});

export const closureApprovalsPolicy = defineSyncPolicy(closureApprovals, {
  merge: 'entity',
  columns: {
    ...ROW_KEYS,
    workOrderId: 'synced',
    requestedBy: 'synced',
    requestedAt: 'synced',
    // Synced, not an intent: pending → approved/rejected is one step, decided by one supervisor.
    decision: 'synced',
    decidedBy: 'synced',
    decidedAt: 'synced',
    comment: 'synced',
    ...TRACKED,
  },
});
