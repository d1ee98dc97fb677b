/** Human labels for the domain vocabulary, shared by every view. */
export const STATUS_LABEL: Record<string, string> = {
  NEW: 'New',
  SCHEDULED: 'Scheduled',
  DISPATCHED: 'Dispatched',
  EN_ROUTE: 'En route',
  ON_SITE: 'On site',
  ON_HOLD: 'On hold',
  COMPLETED: 'Completed',
  CLOSED: 'Closed',
  CANCELLED: 'Cancelled',
};
export const SLA_LABEL: Record<string, string> = { ok: 'On track', at_risk: 'At risk', breached: 'Breached', met: 'Met' };
export const PRIORITIES = ['critical', 'high', 'medium', 'low'] as const;
export const TYPES = ['corrective', 'preventive', 'inspection', 'installation', 'emergency'] as const;
export const STATUSES = ['NEW', 'SCHEDULED', 'DISPATCHED', 'EN_ROUTE', 'ON_SITE', 'ON_HOLD', 'COMPLETED', 'CLOSED', 'CANCELLED'] as const;

/** "2h 05m left" / "3h 10m over": the SLA countdown shown on cards and rows. */
export function countdown(dueIso: string | null, nowMs: number): string {
  if (!dueIso) return '—';
  const diff = Date.parse(dueIso) - nowMs;
  const abs = Math.abs(diff);
  const d = Math.floor(abs / 86_400_000);
  const h = Math.floor((abs % 86_400_000) / 3_600_000);
  const m = Math.floor((abs % 3_600_000) / 60_000);
  const text = d > 0 ? `${d}d ${h}h` : `${h}h ${String(m).padStart(2, '0')}m`;
  return diff >= 0 ? `${text} left` : `${text} over`;
}
