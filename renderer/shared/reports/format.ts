import type { DepotFormat } from '../locale/format';

export interface ReportNumbers {
  num(v: number | null | undefined, digits?: number): string;
  pct(v: number | null | undefined, digits?: number): string;
}

/** KPI figures as the depot console shows them: fixed digits in the depot's locale, "—" for no value. */
export function reportNumbers(fmt: DepotFormat): ReportNumbers {
  const num = (v: number | null | undefined, digits = 1) => fmt.number(v, { min: digits, max: digits });
  const pct = (v: number | null | undefined, digits = 1) => (v === null || v === undefined ? '—' : `${num(v * 100, digits)} %`);
  return { num, pct };
}

/**
 * The same in the reader's own locale: only for the managers' org console, which spans depots and
 * has no one depot's locale to use (the depot console always passes `reportNumbers`).
 */
export const READER_NUMBERS: ReportNumbers = {
  num: (v, digits = 1) =>
    v === null || v === undefined ? '—' : v.toLocaleString(undefined, { minimumFractionDigits: digits, maximumFractionDigits: digits }),
  pct: (v, digits = 1) => (v === null || v === undefined ? '—' : `${(v * 100).toFixed(digits)} %`),
};
