/** Distances on the Earth and the geofence verdict for attendance (pure: no host, no I/O). */

/** Mean Earth radius (IUGG), the usual choice for haversine: within ~0.5 % of the ellipsoid everywhere. */
export const EARTH_RADIUS_M = 6_371_008.8;

/** A reading's uncertainty counts in the crew's favour, but only up to this: a 2 km fix proves nothing. */
export const MAX_TOLERANCE_M = 100;

export interface LatLon {
  lat: number;
  lon: number;
}

const rad = (deg: number) => (deg * Math.PI) / 180;

/** Great-circle distance in metres between two WGS 84 points (haversine formula). */
export function haversineM(a: LatLon, b: LatLon): number {
  const dLat = rad(b.lat - a.lat);
  const dLon = rad(b.lon - a.lon);
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(rad(a.lat)) * Math.cos(rad(b.lat)) * Math.sin(dLon / 2) ** 2;
  // min() guards asin against rounding just above 1 for antipodal points.
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(h)));
}

export type Fence = 'inside' | 'outside' | 'unknown';

export interface FenceVerdict {
  fence: Fence;
  /** Metres from the site's centre, to 0.1 m; null when either end is unknown. */
  distanceM: number | null;
}

/**
 * Inside when the reading lies within the site's radius plus its own accuracy (capped at
 * MAX_TOLERANCE_M). Without a reading or a site there is nothing to compare: "unknown".
 */
export function fenceOf(site: (LatLon & { radiusM: number }) | null, reading: (LatLon & { accuracyM?: number | undefined }) | null): FenceVerdict {
  if (!site || !reading) return { fence: 'unknown', distanceM: null };
  const distanceM = Math.round(haversineM(site, reading) * 10) / 10;
  const tolerance = Math.min(reading.accuracyM ?? 0, MAX_TOLERANCE_M);
  return { fence: distanceM <= site.radiusM + tolerance ? 'inside' : 'outside', distanceM };
}
