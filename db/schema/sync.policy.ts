import { syncBlobs, syncHeld, syncRefusals, syncReplayable, syncState } from './sync.js';
import { defineSyncPolicy } from './sync-policy.js';

/** This depot's link to the hub: never sent anywhere, and the credential never leaves it or reaches the audit. */
export const syncStatePolicy = defineSyncPolicy(syncState, {
  merge: 'local',
  columns: {
    orgId: 'local',
    hubUrl: 'local',
    credential: 'secret',
    replicaOrgId: 'local',
    hubOrgId: 'local',
    pullCursor: 'local',
    pullSince: 'local',
    paused: 'local',
    lastPushAt: 'local',
    lastPullAt: 'local',
    lastError: 'local',
    lastErrorAt: 'local',
    resnapshotNeeded: 'local',
    reconciledEpoch: 'local',
    driftCheckedAt: 'local',
    driftSummary: 'local',
    enrolledAt: 'local',
  },
});

/** The hub's verdicts on our own mutations: this depot's to show and dismiss. */
export const syncRefusalsPolicy = defineSyncPolicy(syncRefusals, {
  merge: 'local',
  columns: {
    mutationId: 'local',
    orgId: 'local',
    seq: 'local',
    action: 'local',
    outcome: 'local',
    code: 'local',
    message: 'local',
    at: 'local',
    dismissedAt: 'local',
    dismissedBy: 'local',
  },
});

/** The hub's list of our own mutations a restore lost: this depot's replay check, never sent. */
export const syncReplayablePolicy = defineSyncPolicy(syncReplayable, {
  merge: 'local',
  columns: { mutationId: 'local', orgId: 'local', actorId: 'local', appliedAt: 'local' },
});

/** Fields and rows from a newer release, waiting for this depot's upgrade: received, so never sent back. */
export const syncHeldPolicy = defineSyncPolicy(syncHeld, {
  merge: 'local',
  columns: { id: 'local', orgId: 'local', kind: 'local', tbl: 'local', rowId: 'local', fields: 'local', clocks: 'local', heldAt: 'local' },
});

/** Which attachment files went to the hub: this depot's own bookkeeping. */
export const syncBlobsPolicy = defineSyncPolicy(syncBlobs, {
  merge: 'local',
  columns: { sha256: 'local', orgId: 'local', state: 'local', message: 'local', at: 'local' },
});
