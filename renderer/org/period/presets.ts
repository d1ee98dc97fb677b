import { addDays, dayIn, daysBetween, dayToInput, inputToDay, monthStart, startOfDay, type Day } from './zoned';

/**
 * The periods a manager picks, as whole days in the organization's time zone, `to` exclusive: the
 * same half-open periods the depot's Reports view sends, so the hub's figures and a depot's agree.
 */

export type PresetId = 'last7' | 'last30' | 'thisMonth' | 'lastMonth' | 'custom';

export const PRESETS: { id: PresetId; label: string }[] = [
  { id: 'last7', label: 'Last 7 days' },
  { id: 'last30', label: 'Last 30 days' },
  { id: 'thisMonth', label: 'This month' },
  { id: 'lastMonth', label: 'Last month' },
  { id: 'custom', label: 'Custom…' },
];

export const DEFAULT_PRESET: Exclude<PresetId, 'custom'> = 'last30';

/** The hub's KPI queries refuse longer spans (server/reports/contract-kpi.ts). */
export const MAX_SPAN_DAYS = 800;

/** What the address bar keeps: a preset, or a custom first and last day ("YYYY-MM-DD", both inclusive). */
export type PeriodChoice = { preset: Exclude<PresetId, 'custom'> } | { preset: 'custom'; first: string; last: string };

export interface Period {
  /** ISO instant, inclusive. */
  from: string;
  /** ISO instant, exclusive. */
  to: string;
}

/** First and last day (inclusive) a choice covers, in the zone, on the day `nowMs` falls on there. */
export function choiceDays(choice: PeriodChoice, zone: string, nowMs: number): { first: Day; last: Day } {
  const today = dayIn(nowMs, zone);
  switch (choice.preset) {
    case 'last7':
      return { first: addDays(today, -6), last: today };
    case 'last30':
      return { first: addDays(today, -29), last: today };
    case 'thisMonth':
      return { first: monthStart(today), last: addDays(monthStart(today, 1), -1) };
    case 'lastMonth':
      return { first: monthStart(today, -1), last: addDays(monthStart(today), -1) };
    case 'custom': {
      const first = inputToDay(choice.first);
      const last = inputToDay(choice.last);
      // The address bar is typed by people: an unreadable custom period falls back to the default.
      if (!first || !last || customError(choice.first, choice.last)) return choiceDays({ preset: DEFAULT_PRESET }, zone, nowMs);
      return { first, last };
    }
  }
}

export function resolvePeriod(choice: PeriodChoice, zone: string, nowMs: number): Period {
  const { first, last } = choiceDays(choice, zone, nowMs);
  return { from: new Date(startOfDay(first, zone)).toISOString(), to: new Date(startOfDay(addDays(last, 1), zone)).toISOString() };
}

/** Why a custom first/last day pair cannot be asked for, or null when it can. */
export function customError(first: string, last: string): string | null {
  const a = inputToDay(first);
  const b = inputToDay(last);
  if (!a || !b) return 'Pick a first and a last day.';
  const span = daysBetween(a, b) + 1;
  if (span < 1) return 'The last day is before the first.';
  if (span > MAX_SPAN_DAYS) return `A period may span at most ${MAX_SPAN_DAYS} days.`;
  return null;
}

/** The custom fields' starting values when a manager switches from a preset: the days it covered. */
export function customFromChoice(choice: PeriodChoice, zone: string, nowMs: number): PeriodChoice {
  const { first, last } = choiceDays(choice, zone, nowMs);
  return { preset: 'custom', first: dayToInput(first), last: dayToInput(last) };
}

/** The choice in the address bar ("?period=last7", "?from=2026-05-01&to=2026-05-31"); the default when absent. */
export function choiceFromParams(params: URLSearchParams): PeriodChoice {
  const first = params.get('from');
  const last = params.get('to');
  if (first && last) return { preset: 'custom', first, last };
  const preset = params.get('period');
  const known = PRESETS.find((p) => p.id === preset && p.id !== 'custom');
  return { preset: (known?.id ?? DEFAULT_PRESET) as Exclude<PresetId, 'custom'> };
}

export function choiceToParams(choice: PeriodChoice, params: URLSearchParams): void {
  params.delete('period');
  params.delete('from');
  params.delete('to');
  if (choice.preset === 'custom') {
    params.set('from', choice.first);
    params.set('to', choice.last);
  } else if (choice.preset !== DEFAULT_PRESET) params.set('period', choice.preset);
}
