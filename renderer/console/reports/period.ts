import type { DepotFormat } from '../../shared/locale/format';

/**
 * Period presets in the depot's days (not the browser's): whole days from the depot's midnight,
 * `to` exclusive (the host caps it at now). A manager on a laptop in New York reading a London
 * depot's "last 7 days" gets London's days, as the PDF and the workbook cut them.
 */

export type PresetId = 'last7' | 'last30' | 'last90' | 'thisMonth' | 'lastMonth' | 'custom';

export const PRESETS: { id: PresetId; label: string }[] = [
  { id: 'last7', label: 'Last 7 days' },
  { id: 'last30', label: 'Last 30 days' },
  { id: 'last90', label: 'Last 90 days' },
  { id: 'thisMonth', label: 'This month' },
  { id: 'lastMonth', label: 'Last month' },
  { id: 'custom', label: 'Custom…' },
];

export interface Period {
  from: string;
  to: string;
}

const pad = (n: number) => String(n).padStart(2, '0');

/** The calendar day (y, m 0-based, d, overflowing freely) as "YYYY-MM-DD". */
function key(y: number, m: number, d: number): string {
  const t = new Date(Date.UTC(y, m, d));
  return `${t.getUTCFullYear()}-${pad(t.getUTCMonth() + 1)}-${pad(t.getUTCDate())}`;
}

export function presetPeriod(id: Exclude<PresetId, 'custom'>, fmt: DepotFormat, nowMs = Date.now()): Period {
  const [y = 1970, m = 1, d = 1] = fmt.dayKey(nowMs).split('-').map(Number);
  const at = (k: string) => new Date(fmt.startOfDay(k) ?? nowMs).toISOString();
  const span = (from: string, to: string) => ({ from: at(from), to: at(to) });
  switch (id) {
    case 'last7':
      return span(key(y, m - 1, d - 6), key(y, m - 1, d + 1));
    case 'last30':
      return span(key(y, m - 1, d - 29), key(y, m - 1, d + 1));
    case 'last90':
      return span(key(y, m - 1, d - 89), key(y, m - 1, d + 1));
    case 'thisMonth':
      return span(key(y, m - 1, 1), key(y, m, 1));
    case 'lastMonth':
      return span(key(y, m - 2, 1), key(y, m - 1, 1));
  }
}

/** A depot day ("YYYY-MM-DD") → the instant it begins there (end dates are inclusive: the next day's start). */
export function fromDateInput(value: string, endInclusive: boolean, fmt: DepotFormat): string | null {
  const [y, m, d] = value.split('-').map(Number);
  if (!y || !m || !d) return null;
  const t = fmt.startOfDay(key(y, m - 1, d + (endInclusive ? 1 : 0)));
  return t === null ? null : new Date(t).toISOString();
}

/** The depot day an instant falls on (for an exclusive end, the day before it). */
export function toDateInput(isoTime: string, endExclusive: boolean, fmt: DepotFormat): string {
  return fmt.dayKey(Date.parse(isoTime) - (endExclusive ? 1 : 0));
}
