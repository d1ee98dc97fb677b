import type { OpenWorkItem, OrgDepot } from '../../../server/org-view/contract';

/**
 * The map's data as GeoJSON, drawn by maplibre's GPU layers (not DOM markers), so 20,000 open work
 * orders pan smoothly. Pure, so it is tested under Node.
 */

type FC = GeoJSON.FeatureCollection<GeoJSON.Point>;
export type Bounds = [west: number, south: number, east: number, north: number];

const point = (lon: number, lat: number): GeoJSON.Point => ({ type: 'Point', coordinates: [lon, lat] });

/**
 * Open work at its site. Many jobs share a site (a pumping station with six open jobs): once the
 * clusters break apart they are fanned out on a small golden-angle spiral, a few metres each, so each
 * stays visible and clickable. The offset is a display device only, as in the depot console's map.
 */
export function openWorkFeatures(items: OpenWorkItem[]): FC {
  const perSite = new Map<string, number>();
  const features = items.map((w): GeoJSON.Feature<GeoJSON.Point> => {
    const site = `${w.lat},${w.lon}`;
    const i = perSite.get(site) ?? 0;
    perSite.set(site, i + 1);
    const r = i === 0 ? 0 : 9 * Math.sqrt(i); // metres
    const a = i * 2.39996; // golden angle, radians
    const lat = w.lat + (r * Math.sin(a)) / 111_320;
    const lon = w.lon + (r * Math.cos(a)) / (111_320 * Math.max(0.01, Math.cos((w.lat * Math.PI) / 180)));
    return {
      type: 'Feature',
      geometry: point(lon, lat),
      properties: {
        id: w.id,
        number: w.number,
        title: w.title,
        status: w.status,
        priority: w.priority,
        due: w.resolutionDueAt ?? '',
        overdue: w.overdue,
        // Summed by the clustered source into each cluster's count of overdue work.
        overdueN: w.overdue ? 1 : 0,
      },
    };
  });
  return { type: 'FeatureCollection', features };
}

/** Depots with a position, as labelled markers; `unplaced` counts those without one. */
export function depotFeatures(depots: OrgDepot[]): { fc: FC; unplaced: number } {
  const placed = depots.filter((d): d is OrgDepot & { lat: number; lon: number } => d.lat !== null && d.lon !== null);
  return {
    fc: {
      type: 'FeatureCollection',
      features: placed.map((d) => ({
        type: 'Feature',
        geometry: point(d.lon, d.lat),
        properties: { id: d.id, name: d.name, code: d.code, openNow: d.openNow, overdueNow: d.overdueNow },
      })),
    },
    unplaced: depots.length - placed.length,
  };
}

/** ~1 km: a single site (or all work at one place) still gets a view a street wide, not a zoom to infinity. */
const MIN_SPAN_DEG = 0.01;

/** The box around every point of the collections, or null when there is none. */
export function dataBounds(...collections: FC[]): Bounds | null {
  let w = Infinity;
  let s = Infinity;
  let e = -Infinity;
  let n = -Infinity;
  for (const fc of collections) {
    for (const f of fc.features) {
      const [lon, lat] = f.geometry.coordinates as [number, number];
      w = Math.min(w, lon);
      e = Math.max(e, lon);
      s = Math.min(s, lat);
      n = Math.max(n, lat);
    }
  }
  if (w === Infinity) return null;
  const padLon = Math.max(0, (MIN_SPAN_DEG - (e - w)) / 2);
  const padLat = Math.max(0, (MIN_SPAN_DEG - (n - s)) / 2);
  return [w - padLon, s - padLat, e + padLon, n + padLat];
}
