import type { TestHost } from '../testing/harness.js';

/** Test helpers: a template, a pump at a site, a run-hours sensor on it, and hourly meter roll-ups. */

export async function maintenanceWorld(t: TestHost, token: string) {
  const post = async (url: string, body: unknown): Promise<string> => {
    const res = await t.api<{ id: string }>('POST', `/api/v1${url}`, { token, body });
    if (res.status !== 201) throw new Error(`${url}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body.id;
  };
  const locationId = await post('/locations', { code: 'PS-1', name: 'Pump station 1', lat: 51.5, lon: -0.1 });
  const assetId = await post('/assets', { tag: 'PMP-1', name: 'Duty pump', category: 'pump', locationId });
  const spareId = await post('/assets', { tag: 'PMP-2', name: 'Standby pump', category: 'pump', locationId });
  const templateId = await post('/task-templates', { name: 'Pump service', type: 'preventive', priority: 'medium', durationMin: 120 });
  const deviceId = await post('/telemetry/devices', { name: 'Pump hours', path: '/dev/ttyUSB9', protocol: 'kv', assetId });
  return { locationId, assetId, spareId, templateId, deviceId };
}

const HOUR = 3_600_000;

/**
 * Hourly roll-ups of a running total on `subjectId`: `perDay` units a day, ending at `value` at `end`
 * (what the telemetry pipeline leaves behind for a run-hours counter).
 */
export function meterRollups(
  t: TestHost,
  orgId: string,
  subjectId: string,
  metric: string,
  o: { end: number; value: number; perDay: number; hours: number },
) {
  const insert = t.host.sqlite.prepare(
    `INSERT INTO telemetry_rollups (org_id, resolution, subject_kind, subject_id, metric, unit, bucket_start, count, min, max, sum, last, last_at)
     VALUES (?, 'hour', 'asset', ?, ?, 'h', ?, 1, ?, ?, ?, ?, ?)
     ON CONFLICT (subject_id, metric, resolution, bucket_start) DO UPDATE SET last = excluded.last, last_at = excluded.last_at`,
  );
  for (let i = o.hours; i >= 0; i--) {
    const at = o.end - i * HOUR;
    const v = o.value - (i * o.perDay) / 24;
    insert.run(orgId, subjectId, metric, at - (at % HOUR), v, v, v, v, at);
  }
}
