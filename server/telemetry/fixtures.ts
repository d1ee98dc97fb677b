// Test helpers for telemetry: a depot with a pump (asset at a site), a van (vehicle of a team), a
// corrective template, a sensor bound to the pump and a GPS bound to the van, and the data side
// running on a FakeSource.
import type { TestHost } from '../testing/harness.js';
import { FakeSource } from './fake-source.js';
import { startTelemetry, type TelemetryOptions, type TelemetryService } from './runtime.js';

export interface World {
  token: string;
  orgId: string;
  userId: string;
  locationId: string;
  assetId: string;
  teamId: string;
  vehicleId: string;
  templateId: string;
  sensorId: string;
  gpsId: string;
  source: FakeSource;
  telemetry: TelemetryService;
  /** Site coordinates (the pump station). */
  site: { lat: number; lon: number };
}

export async function must<T = Record<string, unknown>>(p: Promise<{ status: number; body: unknown }>, status = 201): Promise<T> {
  const res = await p;
  if (res.status !== status) throw new Error(`expected ${status}, got ${res.status}: ${JSON.stringify(res.body)}`);
  return res.body as T;
}

export async function telemetryWorld(t: TestHost, opts: Partial<TelemetryOptions> = {}): Promise<World> {
  const { token, orgId, userId } = await t.setupOrg();
  const post = <T = { id: string }>(url: string, body: unknown) => must<T>(t.api('POST', `/api/v1${url}`, { token, body }));
  const site = { lat: 51.5, lon: -0.12 };
  const location = await post('/locations', { code: 'PS1', name: 'Pump station 1', ...site, geofenceRadiusM: 100 });
  const asset = await post('/assets', { tag: 'P-1', name: 'Pump 1', category: 'pump', locationId: location.id });
  const team = await post('/teams', { name: 'Crew A' });
  const vehicle = await post('/vehicles', { callSign: 'V1', kind: 'van', teamId: team.id });
  const template = await post('/task-templates', { name: 'Pump overheating', type: 'corrective', priority: 'high', durationMin: 90 });
  const source = new FakeSource();
  // On the services object, where the routes find it (as server/start.ts does).
  const telemetry = (t.services.telemetry = startTelemetry(t.host, source, { retentionIntervalMs: 0, ...opts }));
  const sensor = await post('/telemetry/devices', { name: 'Pump sensor', path: '/dev/ttyUSB0', protocol: 'kv', assetId: asset.id });
  const gps = await post('/telemetry/devices', {
    name: 'Van GPS',
    vendorId: '1546',
    productId: '01a7',
    serialNumber: 'G1',
    protocol: 'nmea',
    vehicleId: vehicle.id,
  });
  return {
    token,
    orgId,
    userId,
    locationId: location.id,
    assetId: asset.id,
    teamId: team.id,
    vehicleId: vehicle.id,
    templateId: template.id,
    sensorId: sensor.id,
    gpsId: gps.id,
    source,
    telemetry,
    site,
  };
}
