import {
  auditLog,
  mutations,
  changes,
  nodeEpochs,
  syncAcks,
  changeCompactionGate,
  idempotencyKeys,
  counters,
  hostSettings,
} from './history.js';
import { defineSyncPolicy } from './sync-policy.js';

export const auditLogPolicy = defineSyncPolicy(auditLog, {
  // Travels with its mutation, read by the mutation's audit seq range, never copied into `changes`.
  merge: 'append',
  columns: {
    id: 'key',
    orgId: 'key',
    actorId: 'synced',
    action: 'synced',
    entity: 'synced',
    entityId: 'synced',
    before: 'synced',
    after: 'synced',
    requestId: 'synced',
    at: 'synced',
    // Each replica chains the rows it holds itself (db/audit-chain.ts), so the chain never travels.
    seq: 'local',
    prevHash: 'local',
    hash: 'local',
  },
});

// The change log itself is the transport, not something it carries: its rows are sent by the sync
// protocol, never as changes of their own.

export const mutationsPolicy = defineSyncPolicy(mutations, {
  merge: 'local',
  columns: {
    seq: 'local',
    id: 'local',
    orgId: 'local',
    epoch: 'local',
    hlc: 'local',
    action: 'local',
    actorId: 'local',
    requestHash: 'local',
    auditFrom: 'local',
    auditTo: 'local',
    at: 'local',
  },
});

export const changesPolicy = defineSyncPolicy(changes, {
  merge: 'local',
  columns: { mutationSeq: 'local', n: 'local', tableName: 'local', rowId: 'local', op: 'local', fields: 'local' },
});

export const nodeEpochsPolicy = defineSyncPolicy(nodeEpochs, {
  merge: 'local',
  columns: { epoch: 'local', nodeId: 'local', startedAt: 'local', reason: 'local', seqFloor: 'local', lostAfterSeq: 'local' },
});

export const syncAcksPolicy = defineSyncPolicy(syncAcks, {
  merge: 'local',
  columns: { orgId: 'local', ackedSeq: 'local', ackedAt: 'local' },
});

export const changeCompactionGatePolicy = defineSyncPolicy(changeCompactionGate, {
  merge: 'local',
  columns: { orgId: 'local', throughSeq: 'local' },
});

/** Stored responses for this host's clients; a replay reaches the host it was sent to. */
export const idempotencyKeysPolicy = defineSyncPolicy(idempotencyKeys, {
  merge: 'local',
  columns: { scope: 'local', key: 'local', requestHash: 'local', status: 'local', body: 'local', createdAt: 'local' },
});

/**
 * Number counters are per depot (design 3.7): each depot issues numbers under its own code, so the
 * counter never travels; the numbers do, as `work_orders.number`/`seq` (synced) on the row each was
 * issued for. The counter is bumped by plain SQL inside the creating mutation's transaction (it has no
 * id for the Writer; server/work-orders/service.ts nextNumber), which is allowed only because it is local.
 */
export const countersPolicy = defineSyncPolicy(counters, {
  merge: 'local',
  columns: { orgId: 'local', name: 'local', value: 'local' },
});

export const hostSettingsPolicy = defineSyncPolicy(hostSettings, {
  merge: 'local',
  columns: { key: 'local', value: 'local' },
});
