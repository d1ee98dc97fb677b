import type { ExpressionSpecification, LayerSpecification, SourceSpecification } from 'maplibre-gl';
import type { LocationDto, UserDto } from '../../shared/catalog/queries';
import type { MapWorkOrder, VehicleDto } from './queries';
import { BASEMAP_COLORS } from '../../shared/map/basemap-style';

/**
 * The map's own data as GeoJSON sources drawn by circle/symbol layers (not DOM markers), so 10,000
 * work orders pan and zoom smoothly: maplibre clusters and draws them on the GPU.
 */

export type OverlayId = 'locations' | 'workOrders' | 'vehicles' | 'crews';

export const SLA_COLORS = { breached: '#c0392b', at_risk: '#d08700', ok: '#2f8f5b', met: '#7b8a9a', none: '#5f7fa6' } as const;
/** Worse is higher; a cluster shows the worst state inside it (clusterProperties "worst"). */
const SLA_RANK: Record<string, number> = { none: 0, met: 1, ok: 2, at_risk: 3, breached: 4 };
const RANK_COLOR: ExpressionSpecification = [
  'match',
  ['get', 'worst'],
  4,
  SLA_COLORS.breached,
  3,
  SLA_COLORS.at_risk,
  2,
  SLA_COLORS.ok,
  1,
  SLA_COLORS.met,
  SLA_COLORS.none,
];
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

/**
 * Work orders at their location. Many jobs share one site (a pumping station with six open jobs):
 * they are fanned out on a small golden-angle spiral (a few metres each) so every one stays
 * visible and clickable once the clusters break apart. The offset is a display device only.
 */
export function workOrderFeatures(workOrders: MapWorkOrder[], locations: Map<string, LocationDto>): { fc: FC; unplaced: number } {
  const perSite = new Map<string, number>();
  const features: GeoJSON.Feature<GeoJSON.Point>[] = [];
  let unplaced = 0;
  for (const w of workOrders) {
    const loc = w.locationId ? locations.get(w.locationId) : undefined;
    if (!loc) {
      unplaced += 1;
      continue;
    }
    const i = perSite.get(loc.id) ?? 0;
    perSite.set(loc.id, i + 1);
    const r = i === 0 ? 0 : 9 * Math.sqrt(i); // metres
    const a = i * 2.39996; // golden angle, radians
    const lat = loc.lat + (r * Math.sin(a)) / 111_320;
    const lon = loc.lon + (r * Math.cos(a)) / (111_320 * Math.cos((loc.lat * Math.PI) / 180));
    const sla = w.slaState ?? 'none';
    features.push({
      type: 'Feature',
      geometry: point(lon, lat),
      properties: {
        id: w.id,
        number: w.number,
        title: w.title,
        sla,
        rank: SLA_RANK[sla] ?? 0,
        priority: w.priority,
        status: w.status,
        critical: w.priority === 'critical',
      },
    });
  }
  return { fc: { type: 'FeatureCollection', features }, unplaced };
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
export function crewFeatures(onSite: MapWorkOrder[], locations: Map<string, LocationDto>, users: Map<string, UserDto>): FC {
  const seen = new Set<string>();
  const features: GeoJSON.Feature<GeoJSON.Point>[] = [];
  for (const w of onSite) {
    if (!w.assigneeId || seen.has(w.assigneeId) || !w.locationId) continue;
    const loc = locations.get(w.locationId);
    if (!loc) continue;
    seen.add(w.assigneeId);
    const name = users.get(w.assigneeId)?.name ?? 'Crew';
    features.push({
      type: 'Feature',
      geometry: point(loc.lon, loc.lat),
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

const TEXT_HALO = { 'text-halo-color': 'rgba(255,255,255,0.92)', 'text-halo-width': 1.4 } as const;

export const OVERLAY_LAYERS: LayerSpecification[] = [
  { id: 'graticule', type: 'line', source: 'graticule', minzoom: 8, paint: { 'line-color': BASEMAP_COLORS.graticule, 'line-width': 1 } },
  {
    id: 'areas-fill',
    type: 'fill',
    source: 'areas',
    paint: { 'fill-color': BASEMAP_COLORS.area, 'fill-opacity': ['interpolate', ['linear'], ['zoom'], 8, 0.07, 14, 0.03] },
  },
  {
    id: 'areas-line',
    type: 'line',
    source: 'areas',
    paint: { 'line-color': BASEMAP_COLORS.area, 'line-opacity': 0.35, 'line-width': 1, 'line-dasharray': [4, 3] },
  },
  {
    id: 'locations-dot',
    type: 'circle',
    source: 'locations',
    filter: ['!', ['get', 'depot']],
    paint: {
      'circle-radius': ['interpolate', ['linear'], ['zoom'], 9, 1.5, 15, 4],
      'circle-color': '#ffffff',
      'circle-stroke-color': '#8696a8',
      'circle-stroke-width': 1,
    },
  },
  {
    id: 'locations-label',
    type: 'symbol',
    source: 'locations',
    minzoom: 14,
    filter: ['!', ['get', 'depot']],
    layout: { 'text-field': ['get', 'name'], 'text-size': 11, 'text-offset': [0, 1.1], 'text-anchor': 'top', 'text-optional': true },
    paint: { 'text-color': '#66768a', ...TEXT_HALO },
  },
  {
    id: 'depots-dot',
    type: 'circle',
    source: 'locations',
    filter: ['get', 'depot'],
    paint: { 'circle-radius': 7, 'circle-color': '#1d2a38', 'circle-stroke-color': '#ffffff', 'circle-stroke-width': 2 },
  },
  {
    id: 'depots-label',
    type: 'symbol',
    source: 'locations',
    filter: ['get', 'depot'],
    layout: { 'text-field': ['get', 'name'], 'text-size': 12, 'text-offset': [0, 1.2], 'text-anchor': 'top', 'text-allow-overlap': true },
    paint: { 'text-color': '#1d2a38', ...TEXT_HALO },
  },
  {
    id: 'wo-clusters',
    type: 'circle',
    source: 'work-orders',
    filter: ['has', 'point_count'],
    paint: {
      'circle-color': RANK_COLOR,
      'circle-opacity': 0.88,
      'circle-radius': ['step', ['get', 'point_count'], 12, 10, 15, 50, 19, 200, 24, 1000, 30],
      'circle-stroke-color': '#ffffff',
      'circle-stroke-width': 2,
    },
  },
  {
    id: 'wo-cluster-count',
    type: 'symbol',
    source: 'work-orders',
    filter: ['has', 'point_count'],
    layout: { 'text-field': ['get', 'point_count_abbreviated'], 'text-size': 11, 'text-allow-overlap': true },
    paint: { 'text-color': '#ffffff' },
  },
  {
    id: 'wo-points',
    type: 'circle',
    source: 'work-orders',
    filter: ['!', ['has', 'point_count']],
    paint: {
      'circle-color': [
        'match',
        ['get', 'sla'],
        'breached',
        SLA_COLORS.breached,
        'at_risk',
        SLA_COLORS.at_risk,
        'ok',
        SLA_COLORS.ok,
        'met',
        SLA_COLORS.met,
        SLA_COLORS.none,
      ],
      'circle-radius': ['case', ['get', 'critical'], 7, 5.5],
      'circle-stroke-color': ['case', ['get', 'critical'], '#1d2a38', '#ffffff'],
      'circle-stroke-width': 1.5,
    },
  },
  {
    id: 'wo-labels',
    type: 'symbol',
    source: 'work-orders',
    minzoom: 16,
    filter: ['!', ['has', 'point_count']],
    layout: { 'text-field': ['get', 'number'], 'text-size': 10, 'text-offset': [0, 1.2], 'text-anchor': 'top', 'text-optional': true },
    paint: { 'text-color': '#1f2933', ...TEXT_HALO },
  },
  {
    id: 'crews-dot',
    type: 'circle',
    source: 'crews',
    paint: {
      'circle-radius': 6,
      'circle-color': CREW_COLOR,
      'circle-stroke-color': '#ffffff',
      'circle-stroke-width': 2,
      'circle-translate': [9, -9],
    },
  },
  {
    id: 'crews-label',
    type: 'symbol',
    source: 'crews',
    minzoom: 12,
    layout: { 'text-field': ['get', 'name'], 'text-size': 11, 'text-offset': [1.4, -0.8], 'text-anchor': 'left', 'text-optional': true },
    paint: { 'text-color': CREW_COLOR, ...TEXT_HALO },
  },
  {
    id: 'vehicles-dot',
    type: 'circle',
    source: 'vehicles',
    paint: {
      'circle-radius': 6,
      'circle-color': VEHICLE_COLOR,
      'circle-opacity': ['case', ['get', 'stale'], 0.45, 1],
      'circle-stroke-color': '#9cc3ee',
      'circle-stroke-width': 2,
    },
  },
  {
    id: 'vehicles-label',
    type: 'symbol',
    source: 'vehicles',
    minzoom: 10,
    layout: {
      'text-field': ['get', 'callSign'],
      'text-size': 11,
      'text-offset': [0, -1.3],
      'text-anchor': 'bottom',
      'text-optional': true,
    },
    paint: { 'text-color': VEHICLE_COLOR, ...TEXT_HALO },
  },
];
