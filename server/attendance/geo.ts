/** The geofence verdict for attendance (pure: no host, no I/O). */
import { haversineM, type LatLon } from '../core/geo.js';

export { EARTH_RADIUS_M, haversineM, type LatLon } from '../core/geo.js';

/** A reading's uncertainty counts in the crew's favour, but only up to this: a 2 km fix proves nothing. */
export const MAX_TOLERANCE_M = 100;

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
export function fenceOf(
  site: (LatLon & { radiusM: number }) | null,
  reading: (LatLon & { accuracyM?: number | undefined }) | null,
): FenceVerdict {
  if (!site || !reading) return { fence: 'unknown', distanceM: null };
  const distanceM = Math.round(haversineM(site, reading) * 10) / 10;
  const tolerance = Math.min(reading.accuracyM ?? 0, MAX_TOLERANCE_M);
  return { fence: distanceM <= site.radiusM + tolerance ? 'inside' : 'outside', distanceM };
}
