import { workOrderMessages, attendance, uploadKeys } from './field.js';
import { defineSyncPolicy, ROW_KEYS, TRACKED } from './sync-policy.js';

export const workOrderMessagesPolicy = defineSyncPolicy(workOrderMessages, {
  merge: 'append',
  columns: {
    ...ROW_KEYS,
    workOrderId: 'synced',
    authorId: 'synced',
    body: 'synced',
    writtenAt: 'synced',
    // When the first host got it: a fact about the message, kept as the origin recorded it.
    createdAt: 'synced',
  },
});

export const attendancePolicy = defineSyncPolicy(attendance, {
  // A check-in is a fact (a correction is a new row); only the review below is written after it.
  merge: 'append',
  columns: {
    ...ROW_KEYS,
    workOrderId: 'synced',
    userId: 'synced',
    locationId: 'synced',
    kind: 'synced',
    at: 'synced',
    lat: 'synced',
    lon: 'synced',
    accuracyM: 'synced',
    // Measured against the site when the tap arrived; sent as recorded rather than re-measured after a site moves.
    distanceM: 'synced',
    fence: 'synced',
    // A supervisor's review, set once after the insert (design 3.2: entity-like, last writer wins).
    reviewedBy: 'synced',
    reviewedAt: 'synced',
    meta: 'synced',
    ...TRACKED,
  },
});

/** Replay protection for uploads to this host; the attachment it points at syncs on its own. */
export const uploadKeysPolicy = defineSyncPolicy(uploadKeys, {
  merge: 'local',
  columns: { orgId: 'local', userId: 'local', key: 'local', attachmentId: 'local', createdAt: 'local' },
});
