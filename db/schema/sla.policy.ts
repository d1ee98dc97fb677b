import { slaCalendars, slaPolicies } from './sla.js';
import { defineSyncPolicy, ROW_KEYS, TRACKED, DELETABLE } from './sync-policy.js';

export const slaCalendarsPolicy = defineSyncPolicy(slaCalendars, {
  merge: 'entity',
  naturalKey: { columns: ['name'], rule: 'conflict' },
  columns: {
    ...ROW_KEYS,
    name: 'synced',
    timeZone: 'synced',
    workingHours: 'synced',
    holidays: 'synced',
    ...TRACKED,
    ...DELETABLE,
  },
});

export const slaPoliciesPolicy = defineSyncPolicy(slaPolicies, {
  merge: 'entity',
  // Deterministic id (design 3.7): one policy per type and priority, so two depots edit the same row.
  naturalKey: { columns: ['type', 'priority'], rule: 'same-row' },
  columns: {
    ...ROW_KEYS,
    name: 'synced',
    type: 'synced',
    priority: 'synced',
    calendarId: 'synced',
    responseMinutes: 'synced',
    resolutionMinutes: 'synced',
    ...TRACKED,
    ...DELETABLE,
  },
});
