import { maintenanceOccurrences, maintenancePlans } from './maintenance.js';
import { defineSyncPolicy, DELETABLE, ROW_KEYS, TRACKED } from './sync-policy.js';

export const maintenancePlansPolicy = defineSyncPolicy(maintenancePlans, {
  merge: 'entity',
  columns: {
    ...ROW_KEYS,
    name: 'synced',
    depotId: 'synced',
    templateId: 'synced',
    assetId: 'synced',
    assetCategory: 'synced',
    locationId: 'synced',
    kind: 'synced',
    rrule: 'synced',
    dtstart: 'synced',
    meterDeviceId: 'synced',
    meterMetric: 'synced',
    meterMode: 'synced',
    meterInterval: 'synced',
    meterBaseline: 'synced',
    meterThreshold: 'synced',
    effectiveFrom: 'synced',
    horizonDays: 'synced',
    paused: 'synced',
    ...TRACKED,
    ...DELETABLE,
  },
});

export const maintenanceOccurrencesPolicy = defineSyncPolicy(maintenanceOccurrences, {
  merge: 'entity',
  // The key names the occurrence: two depots that generate it name one row (and the generator of the
  // plan's own depot is the only one that does, server/maintenance/generator.ts).
  naturalKey: { columns: ['plan_id', 'occurrence_key'], rule: 'same-row' },
  columns: {
    ...ROW_KEYS,
    planId: 'synced',
    occurrenceKey: 'synced',
    assetId: 'synced',
    dueAt: 'synced',
    workOrderId: 'synced',
    state: 'synced',
    ...TRACKED,
  },
});
