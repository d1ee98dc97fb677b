import { locations, assets, vehicles } from './places.js';
import { defineSyncPolicy, ROW_KEYS, TRACKED, DELETABLE } from './sync-policy.js';

export const locationsPolicy = defineSyncPolicy(locations, {
  merge: 'entity',
  naturalKey: { columns: ['code'], rule: 'conflict' },
  columns: {
    ...ROW_KEYS,
    depotId: 'synced',
    code: 'synced',
    name: 'synced',
    kind: 'synced',
    address: 'synced',
    lat: 'synced',
    lon: 'synced',
    geofenceRadiusM: 'synced',
    notes: 'synced',
    ...TRACKED,
    ...DELETABLE,
  },
});

export const assetsPolicy = defineSyncPolicy(assets, {
  merge: 'entity',
  naturalKey: { columns: ['tag'], rule: 'conflict' },
  columns: {
    ...ROW_KEYS,
    tag: 'synced',
    name: 'synced',
    category: 'synced',
    // Not an intent: any asset status may follow any other, so last writer wins is right.
    status: 'synced',
    locationId: 'synced',
    manufacturer: 'synced',
    model: 'synced',
    serialNumber: 'synced',
    installedAt: 'synced',
    attributes: 'synced',
    ...TRACKED,
    ...DELETABLE,
  },
});

export const vehiclesPolicy = defineSyncPolicy(vehicles, {
  merge: 'entity',
  naturalKey: { columns: ['call_sign'], rule: 'conflict' },
  columns: {
    ...ROW_KEYS,
    depotId: 'synced',
    callSign: 'synced',
    plate: 'synced',
    kind: 'synced',
    status: 'synced',
    teamId: 'synced',
    // The last fix comes from vehicle_positions (synced as batches); the receiver takes it from there.
    lastLat: 'derived',
    lastLon: 'derived',
    lastSpeedKmh: 'derived',
    lastHeadingDeg: 'derived',
    lastFixAt: 'derived',
    ...TRACKED,
    ...DELETABLE,
  },
});
