import {
  telemetryDevices,
  telemetryReadings,
  telemetryRollups,
  vehiclePositions,
  telemetryRetentionGate,
  telemetryRules,
  telemetryAlerts,
  telemetrySettings,
} from './telemetry.js';
import { defineSyncPolicy, ROW_KEYS, TRACKED } from './sync-policy.js';

export const telemetryDevicesPolicy = defineSyncPolicy(telemetryDevices, {
  merge: 'entity',
  // Judgement (design silent): names are unique per org like codes, so the same rule as codes applies.
  naturalKey: { columns: ['name'], rule: 'conflict' },
  columns: {
    ...ROW_KEYS,
    name: 'synced',
    // USB identity and hardware serial describe the device itself, wherever it is plugged in.
    vendorId: 'synced',
    productId: 'synced',
    serialNumber: 'synced',
    // How this depot's PC reaches the device: a port path and line settings mean nothing on another machine.
    path: 'local',
    protocol: 'synced',
    serial: 'local',
    modbus: 'local',
    assetId: 'synced',
    vehicleId: 'synced',
    enabled: 'synced',
    silenceAfterMs: 'synced',
    ...TRACKED,
  },
});

export const telemetryReadingsPolicy = defineSyncPolicy(telemetryReadings, {
  // Insert-only ranges keyed by (node, epoch, local id): the integer id is unique on this node only.
  merge: 'batch',
  columns: {
    ...ROW_KEYS,
    deviceId: 'synced',
    assetId: 'synced',
    vehicleId: 'synced',
    metric: 'synced',
    value: 'synced',
    unit: 'synced',
    at: 'synced',
    receivedAt: 'synced',
  },
});

/** Rebuilt from readings by whoever holds them; sending aggregates would double-count merged batches. */
export const telemetryRollupsPolicy = defineSyncPolicy(telemetryRollups, {
  merge: 'derived',
  columns: {
    // This node's own rowid numbering of its aggregates.
    id: 'local',
    orgId: 'derived',
    resolution: 'derived',
    subjectKind: 'derived',
    subjectId: 'derived',
    metric: 'derived',
    unit: 'derived',
    bucketStart: 'derived',
    count: 'derived',
    min: 'derived',
    max: 'derived',
    sum: 'derived',
    last: 'derived',
    lastAt: 'derived',
  },
});

export const vehiclePositionsPolicy = defineSyncPolicy(vehiclePositions, {
  merge: 'batch',
  columns: {
    ...ROW_KEYS,
    deviceId: 'synced',
    vehicleId: 'synced',
    at: 'synced',
    lat: 'synced',
    lon: 'synced',
    speedKmh: 'synced',
    headingDeg: 'synced',
    fixQuality: 'synced',
    satellites: 'synced',
    hdop: 'synced',
    altitudeM: 'synced',
    receivedAt: 'synced',
  },
});

/** Open only inside this host's retention transaction. */
export const telemetryRetentionGatePolicy = defineSyncPolicy(telemetryRetentionGate, {
  merge: 'local',
  columns: { orgId: 'local', beforeAt: 'local' },
});

export const telemetryRulesPolicy = defineSyncPolicy(telemetryRules, {
  merge: 'entity',
  columns: {
    ...ROW_KEYS,
    name: 'synced',
    kind: 'synced',
    metric: 'synced',
    assetId: 'synced',
    vehicleId: 'synced',
    locationId: 'synced',
    threshold: 'synced',
    low: 'synced',
    high: 'synced',
    hysteresis: 'synced',
    minDurationMs: 'synced',
    raisesAlert: 'synced',
    opensWorkOrder: 'synced',
    templateId: 'synced',
    enabled: 'synced',
    ...TRACKED,
  },
});

export const telemetryAlertsPolicy = defineSyncPolicy(telemetryAlerts, {
  merge: 'entity',
  columns: {
    ...ROW_KEYS,
    ruleId: 'synced',
    subjectKind: 'synced',
    subjectId: 'synced',
    assetId: 'synced',
    vehicleId: 'synced',
    locationId: 'synced',
    metric: 'synced',
    // Synced, not an intent: active → cleared is one step, made by the rule engine that raised it.
    state: 'synced',
    raisedAt: 'synced',
    clearedAt: 'synced',
    triggerValue: 'synced',
    peakValue: 'synced',
    workOrderId: 'synced',
    acknowledgedAt: 'synced',
    acknowledgedBy: 'synced',
    ...TRACKED,
  },
});

export const telemetrySettingsPolicy = defineSyncPolicy(telemetrySettings, {
  merge: 'entity',
  // One row per org (deterministic id, design 3.7); the org is the whole key here.
  naturalKey: { columns: ['org_id'], rule: 'same-row' },
  columns: {
    ...ROW_KEYS,
    rawRetentionDays: 'synced',
    minuteRetentionDays: 'synced',
    hourRetentionDays: 'synced',
    ...TRACKED,
  },
});
