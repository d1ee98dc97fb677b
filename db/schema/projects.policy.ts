import { projects, projectPhases, milestones, taskTemplates } from './projects.js';
import { defineSyncPolicy, ROW_KEYS, TRACKED, DELETABLE } from './sync-policy.js';

export const projectsPolicy = defineSyncPolicy(projects, {
  merge: 'entity',
  naturalKey: { columns: ['code'], rule: 'conflict' },
  columns: {
    ...ROW_KEYS,
    code: 'synced',
    name: 'synced',
    description: 'synced',
    // Not an intent: project status has no lifecycle table, people set it freely.
    status: 'synced',
    startsAt: 'synced',
    endsAt: 'synced',
    ...TRACKED,
    ...DELETABLE,
  },
});

export const projectPhasesPolicy = defineSyncPolicy(projectPhases, {
  merge: 'entity',
  columns: {
    ...ROW_KEYS,
    projectId: 'synced',
    name: 'synced',
    position: 'synced',
    startsAt: 'synced',
    endsAt: 'synced',
    status: 'synced',
    ...TRACKED,
    ...DELETABLE,
  },
});

export const milestonesPolicy = defineSyncPolicy(milestones, {
  merge: 'entity',
  columns: {
    ...ROW_KEYS,
    projectId: 'synced',
    phaseId: 'synced',
    name: 'synced',
    dueAt: 'synced',
    reachedAt: 'synced',
    ...TRACKED,
    ...DELETABLE,
  },
});

export const taskTemplatesPolicy = defineSyncPolicy(taskTemplates, {
  merge: 'entity',
  naturalKey: { columns: ['name'], rule: 'conflict' },
  columns: {
    ...ROW_KEYS,
    name: 'synced',
    description: 'synced',
    type: 'synced',
    priority: 'synced',
    durationMin: 'synced',
    requiredSkills: 'synced',
    checklist: 'synced',
    requiresSignature: 'synced',
    ...TRACKED,
    ...DELETABLE,
  },
});
