import { jobs, jobEffects } from './jobs.js';
import { defineSyncPolicy } from './sync-policy.js';

/** This host's own work queue: each depot runs the jobs of its own writes, so nothing here travels. */
export const jobsPolicy = defineSyncPolicy(jobs, {
  merge: 'local',
  columns: {
    id: 'local',
    orgId: 'local',
    kind: 'local',
    key: 'local',
    payload: 'local',
    state: 'local',
    attempts: 'local',
    maxAttempts: 'local',
    runAt: 'local',
    leaseUntil: 'local',
    lastError: 'local',
    createdAt: 'local',
    updatedAt: 'local',
    finishedAt: 'local',
  },
});

export const jobEffectsPolicy = defineSyncPolicy(jobEffects, {
  merge: 'local',
  columns: { key: 'local', orgId: 'local', jobId: 'local', at: 'local' },
});
