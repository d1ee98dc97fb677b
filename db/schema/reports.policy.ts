import { reportSchedules, reportRuns, shareLinks } from './reports.js';
import { defineSyncPolicy, ROW_KEYS, TRACKED, DELETABLE } from './sync-policy.js';

export const reportSchedulesPolicy = defineSyncPolicy(reportSchedules, {
  merge: 'entity',
  // The slug is part of the file name, so two schedules with one slug would overwrite each other's files.
  naturalKey: { columns: ['slug'], rule: 'conflict' },
  columns: {
    ...ROW_KEYS,
    name: 'synced',
    slug: 'synced',
    kind: 'synced',
    cadence: 'synced',
    filters: 'synced',
    enabled: 'synced',
    // Job state of this host's report worker: each host that runs the schedule tracks its own runs.
    lastPeriodEnd: 'local',
    createdBy: 'synced',
    ...TRACKED,
    ...DELETABLE,
  },
});

/** One build on this host; its file is in this host's data directory. */
export const reportRunsPolicy = defineSyncPolicy(reportRuns, {
  merge: 'local',
  columns: {
    id: 'local',
    orgId: 'local',
    scheduleId: 'local',
    kind: 'local',
    state: 'local',
    params: 'local',
    message: 'local',
    fileName: 'local',
    sizeBytes: 'local',
    requestedBy: 'local',
    startedAt: 'local',
    finishedAt: 'local',
    createdAt: 'local',
    updatedAt: 'local',
    version: 'local',
  },
});

export const shareLinksPolicy = defineSyncPolicy(shareLinks, {
  merge: 'entity',
  columns: {
    ...ROW_KEYS,
    workOrderId: 'synced',
    // Never leaves: a copied hash would open the status page from any replica's copy of the database.
    codeHash: 'secret',
    codeHint: 'synced',
    passwordHash: 'secret',
    expiresAt: 'synced',
    revokedAt: 'synced',
    // Counted where the link is opened; a per-host counter would fight itself under last writer wins.
    opens: 'local',
    lastOpenedAt: 'local',
    createdBy: 'synced',
    ...TRACKED,
  },
});
