/** Period presets in the console's local time: whole days, `to` exclusive (the host caps it at now). */

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

const day = (y: number, m: number, d: number) => new Date(y, m, d).toISOString();

export function presetPeriod(id: Exclude<PresetId, 'custom'>, now = new Date()): Period {
  const y = now.getFullYear();
  const m = now.getMonth();
  const d = now.getDate();
  switch (id) {
    case 'last7':
      return { from: day(y, m, d - 6), to: day(y, m, d + 1) };
    case 'last30':
      return { from: day(y, m, d - 29), to: day(y, m, d + 1) };
    case 'last90':
      return { from: day(y, m, d - 89), to: day(y, m, d + 1) };
    case 'thisMonth':
      return { from: day(y, m, 1), to: day(y, m + 1, 1) };
    case 'lastMonth':
      return { from: day(y, m - 1, 1), to: day(y, m, 1) };
  }
}

/** "YYYY-MM-DD" of a local date input → the instant of that local midnight (end dates are inclusive: +1 day). */
export function fromDateInput(value: string, endInclusive: boolean): string | null {
  const [y, m, d] = value.split('-').map(Number);
  if (!y || !m || !d) return null;
  return day(y, m - 1, d + (endInclusive ? 1 : 0));
}

export function toDateInput(isoTime: string, endExclusive: boolean): string {
  const t = new Date(Date.parse(isoTime) - (endExclusive ? 1 : 0));
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${t.getFullYear()}-${pad(t.getMonth() + 1)}-${pad(t.getDate())}`;
}
