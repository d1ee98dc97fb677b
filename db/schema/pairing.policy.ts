import { pairingCodes } from './pairing.js';
import { defineSyncPolicy } from './sync-policy.js';

/** A code pairs a phone with this host only; the session it creates is local too. */
export const pairingCodesPolicy = defineSyncPolicy(pairingCodes, {
  merge: 'local',
  columns: {
    id: 'local',
    orgId: 'local',
    userId: 'local',
    codeHash: 'secret',
    createdBy: 'local',
    createdAt: 'local',
    expiresAt: 'local',
    usedAt: 'local',
    usedSessionId: 'local',
    revokedAt: 'local',
  },
});
