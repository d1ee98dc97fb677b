import type { RuleRow } from '../repo.js';
import type { StoredPosition } from '../pipeline/store.js';
import { haversineM } from '../../core/geo.js';

export interface Site {
  id: string;
  orgId: string;
  lat: number;
  lon: number;
  geofenceRadiusM: number;
}

export interface Crossing {
  orgId: string;
  vehicleId: string;
  locationId: string;
  entered: boolean;
  at: number;
  position: { lat: number; lon: number; distanceM: number };
  rules: RuleRow[];
}

/**
 * Which vehicle is inside which site, from GPS fixes. A vehicle enters at the site's radius and
 * leaves only beyond radius + hysteresis (metres), so GPS jitter at the fence does not produce a
 * stream of arrivals and departures. The first fix after start only learns where a vehicle is:
 * nothing is known about what happened while the host was down, so no crossing is invented.
 */
export class GeofenceEngine {
  private rules: RuleRow[] = [];
  private sites = new Map<string, Site[]>();
  private readonly inside = new Map<string, boolean>();

  constructor(private readonly onCrossing: (c: Crossing) => void) {}

  setRules(rules: RuleRow[]): void {
    this.rules = rules.filter((r) => r.kind === 'geofence_enter' || r.kind === 'geofence_leave');
  }

  setSites(sites: Site[]): void {
    this.sites = new Map();
    for (const s of sites) {
      const list = this.sites.get(s.orgId) ?? [];
      list.push(s);
      this.sites.set(s.orgId, list);
    }
  }

  isInside(vehicleId: string, locationId: string): boolean | undefined {
    return this.inside.get(`${vehicleId}|${locationId}`);
  }

  evaluate(positions: StoredPosition[]): void {
    if (this.rules.length === 0) return;
    for (const { binding, frame } of positions) {
      const vehicleId = binding.vehicleId;
      if (!vehicleId || frame.fixQuality === 0) continue;
      const rules = this.rules.filter((r) => r.orgId === binding.orgId && (r.vehicleId === null || r.vehicleId === vehicleId));
      if (rules.length === 0) continue;
      for (const site of this.sites.get(binding.orgId) ?? []) {
        const forSite = rules.filter((r) => r.locationId === null || r.locationId === site.id);
        if (forSite.length === 0) continue;
        const key = `${vehicleId}|${site.id}`;
        const was = this.inside.get(key);
        const d = haversineM(frame, site);
        const hysteresis = Math.max(...forSite.map((r) => r.hysteresis));
        const now = was ? d <= site.geofenceRadiusM + hysteresis : d <= site.geofenceRadiusM;
        this.inside.set(key, now);
        if (was === undefined || was === now) continue;
        this.onCrossing({
          orgId: binding.orgId,
          vehicleId,
          locationId: site.id,
          entered: now,
          at: frame.at,
          position: { lat: frame.lat, lon: frame.lon, distanceM: Math.round(d) },
          rules: forSite,
        });
      }
    }
  }
}
