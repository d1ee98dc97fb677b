import type { SourceSpecification } from 'maplibre-gl';
import type { LocationDto, UserDto } from '../../shared/catalog/queries';
import type { VehicleDto } from './queries';
import type { MapWorkOrder } from './open-work';

/**
 * The map's own data as GeoJSON sources drawn by circle/symbol layers (not DOM markers), so 10,000
 * work orders pan and zoom smoothly: maplibre clusters and draws them on the GPU.
 */

export type OverlayId = 'locations' | 'workOrders' | 'vehicles' | 'crews';

export const SLA_COLORS = { breached: '#c0392b', at_risk: '#d08700', ok: '#2f8f5b', met: '#7b8a9a', none: '#5f7fa6' } as const;
export const VEHICLE_COLOR = '#1d2a38';
export const CREW_COLOR = '#7b4fb8';

type FC = GeoJSON.FeatureCollection<GeoJSON.Point>;
const point = (lon: number, lat: number): GeoJSON.Point => ({ type: 'Point', coordinates: [lon, lat] });

export function locationFeatures(locations: Iterable<LocationDto>): FC {
  const features: GeoJSON.Feature<GeoJSON.Point>[] = [];
  for (const l of locations)
    features.push({ type: 'Feature', geometry: point(l.lon, l.lat), properties: { id: l.id, name: l.name, depot: l.kind === 'depot' } });
  return { type: 'FeatureCollection', features };
}

const STALE_FIX_MS = 30 * 60_000;

export function vehicleFeatures(vehicles: VehicleDto[], nowMs: number): FC {
  const features: GeoJSON.Feature<GeoJSON.Point>[] = [];
  for (const v of vehicles) {
    if (!v.lastFix || v.status === 'retired') continue;
    features.push({
      type: 'Feature',
      geometry: point(v.lastFix.lon, v.lastFix.lat),
      properties: { id: v.id, callSign: v.callSign, at: v.lastFix.at, stale: nowMs - Date.parse(v.lastFix.at) > STALE_FIX_MS },
    });
  }
  return { type: 'FeatureCollection', features };
}

/**
 * Crews' last known place. There is no check-in record in the host yet (the crew view brings it):
 * until then a crew member is shown at the site of the work order they are ON_SITE at, which the
 * lifecycle records when they arrive.
 */
export function crewFeatures(onSite: Iterable<MapWorkOrder>, users: Map<string, UserDto>): FC {
  const seen = new Set<string>();
  const features: GeoJSON.Feature<GeoJSON.Point>[] = [];
  for (const w of onSite) {
    if (!w.assigneeId || seen.has(w.assigneeId) || w.lon === null || w.lat === null) continue;
    seen.add(w.assigneeId);
    const name = users.get(w.assigneeId)?.name ?? 'Crew';
    features.push({
      type: 'Feature',
      geometry: point(w.lon, w.lat),
      properties: { id: w.assigneeId, name, workOrderId: w.id, number: w.number },
    });
  }
  return { type: 'FeatureCollection', features };
}

/** Each depot's service area: the convex hull of its locations (monotone chain), a light tint under the work. */
export function serviceAreas(locations: Iterable<LocationDto>, depotNames: Map<string, string>): GeoJSON.FeatureCollection {
  const byDepot = new Map<string, [number, number][]>();
  for (const l of locations) {
    if (!l.depotId) continue;
    const list = byDepot.get(l.depotId) ?? [];
    list.push([l.lon, l.lat]);
    byDepot.set(l.depotId, list);
  }
  const features: GeoJSON.Feature[] = [];
  for (const [depotId, pts] of byDepot) {
    if (pts.length < 3) continue;
    const hull = convexHull(pts);
    features.push({
      type: 'Feature',
      properties: { name: depotNames.get(depotId) ?? '' },
      geometry: { type: 'Polygon', coordinates: [[...hull, hull[0]!]] },
    });
  }
  return { type: 'FeatureCollection', features };
}

function convexHull(points: [number, number][]): [number, number][] {
  const p = [...points].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const cross = (o: [number, number], a: [number, number], b: [number, number]) =>
    (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0]);
  const lower: [number, number][] = [];
  for (const pt of p) {
    while (lower.length >= 2 && cross(lower[lower.length - 2]!, lower[lower.length - 1]!, pt) <= 0) lower.pop();
    lower.push(pt);
  }
  const upper: [number, number][] = [];
  for (const pt of p.reverse()) {
    while (upper.length >= 2 && cross(upper[upper.length - 2]!, upper[upper.length - 1]!, pt) <= 0) upper.pop();
    upper.push(pt);
  }
  return [...lower.slice(0, -1), ...upper.slice(0, -1)];
}

const EMPTY: GeoJSON.FeatureCollection = { type: 'FeatureCollection', features: [] };

export const OVERLAY_SOURCES: Record<string, SourceSpecification> = {
  areas: { type: 'geojson', data: EMPTY },
  graticule: { type: 'geojson', data: EMPTY },
  locations: { type: 'geojson', data: EMPTY },
  'work-orders': {
    type: 'geojson',
    data: EMPTY,
    // Live changes are sent as diffs keyed by work-order id (MapCanvas pushWorkOrders).
    promoteId: 'id',
    cluster: true,
    clusterRadius: 42,
    clusterMaxZoom: 15,
    clusterProperties: {
      worst: ['max', ['get', 'rank']],
      breached: ['+', ['case', ['==', ['get', 'rank'], 4], 1, 0]],
    },
  },
  vehicles: { type: 'geojson', data: EMPTY },
  crews: { type: 'geojson', data: EMPTY },
};

/** Which overlay each maplibre layer belongs to (for the layer toggles). */
export const LAYER_GROUPS: Record<OverlayId, string[]> = {
  locations: ['locations-dot', 'locations-label', 'depots-dot', 'depots-label'],
  workOrders: ['wo-clusters', 'wo-cluster-count', 'wo-points', 'wo-labels'],
  vehicles: ['vehicles-dot', 'vehicles-label'],
  crews: ['crews-dot', 'crews-label'],
};
