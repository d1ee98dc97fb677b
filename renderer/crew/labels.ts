/** Small pure helpers for the crew view (labels come from the console's shared vocabulary). */
import type { WorkOrderDto } from './queries';

/** The clock that matters now: response until someone is on site, then resolution. */
export function activeDue(wo: Pick<WorkOrderDto, 'respondedAt' | 'responseDueAt' | 'resolutionDueAt'>): {
  label: string;
  due: string | null;
} {
  if (!wo.respondedAt && wo.responseDueAt) return { label: 'Response', due: wo.responseDueAt };
  return { label: 'Resolution', due: wo.resolutionDueAt };
}

/**
 * The SLA line a crew sees. On hold the host pauses the resolution clock (the due time moves on
 * when work resumes), so a countdown would mislead: say it is paused and what was left.
 */
export function slaLine(
  wo: Pick<WorkOrderDto, 'status' | 'respondedAt' | 'responseDueAt' | 'resolutionDueAt' | 'onHoldSince'>,
  now: number,
  countdown: (due: string | null, now: number) => string,
): { label: string; text: string; paused: boolean } | null {
  const due = activeDue(wo);
  if (!due.due) return null;
  if (wo.status === 'ON_HOLD' && due.label === 'Resolution' && wo.onHoldSince) {
    const left = countdown(due.due, Date.parse(wo.onHoldSince));
    return { label: due.label, text: `paused while on hold (${left.endsWith('left') ? left : 'already ' + left} when held)`, paused: true };
  }
  return { label: due.label, text: countdown(due.due, now), paused: false };
}

/** Great-circle distance in metres (haversine); plenty for "how far is the job". */
export function distanceM(a: { lat: number; lon: number }, b: { lat: number; lon: number }): number {
  const R = 6_371_000;
  const rad = (d: number) => (d * Math.PI) / 180;
  const dLat = rad(b.lat - a.lat);
  const dLon = rad(b.lon - a.lon);
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(rad(a.lat)) * Math.cos(rad(b.lat)) * Math.sin(dLon / 2) ** 2;
  return 2 * R * Math.asin(Math.sqrt(h));
}

export function formatDistance(m: number): string {
  return m < 1000 ? `${Math.round(m)} m` : `${(m / 1000).toFixed(m < 10_000 ? 1 : 0)} km`;
}

/**
 * Directions without the internet being a given: a geo: URI opens whatever map/navigation app the
 * phone has (Android); iOS ignores geo:, so there the Apple Maps https link (opened by Maps) is used.
 */
export function directionsHref(loc: { lat: number; lon: number; name: string }, userAgent: string): string {
  if (/iPhone|iPad|iPod/.test(userAgent)) return `https://maps.apple.com/?daddr=${loc.lat},${loc.lon}&q=${encodeURIComponent(loc.name)}`;
  return `geo:${loc.lat},${loc.lon}?q=${loc.lat},${loc.lon}(${encodeURIComponent(loc.name)})`;
}

/** Button words for a move to this status (ON_HOLD → X reads as "Resume"). */
export function moveLabel(from: string, to: string, statusLabel: Record<string, string>): string {
  if (from === 'ON_HOLD') return `Resume: ${statusLabel[to] ?? to}`;
  if (to === 'ON_HOLD') return 'On hold…';
  return statusLabel[to] ?? to;
}
