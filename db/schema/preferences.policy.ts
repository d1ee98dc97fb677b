import { userPreferences } from './preferences.js';
import { defineSyncPolicy } from './sync-policy.js';

/**
 * A product decision: board filters and column choices are per-desk UI state, so they stay on the
 * host they were set on rather than following the user to every depot.
 */
export const userPreferencesPolicy = defineSyncPolicy(userPreferences, {
  merge: 'local',
  columns: {
    id: 'local',
    orgId: 'local',
    userId: 'local',
    key: 'local',
    value: 'local',
    createdAt: 'local',
    updatedAt: 'local',
    version: 'local',
  },
});
