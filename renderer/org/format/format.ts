/**
 * How the managers' console writes numbers, ratios and times: with Intl, times in the organization's
 * zone (not the browser's), so every manager reads the same clock as the depots' own reports.
 */

export interface Ratio {
  numerator: number;
  denominator: number;
  value: number | null;
}

export interface RatioText {
  /** "92.5 %", or "—" when nothing was measured. */
  value: string;
  /** "37/40". */
  detail: string;
  /** "37/40 (92.5 %)", for a tooltip or a screen reader. */
  full: string;
}

export interface OrgFormat {
  zone: string;
  count(n: number | null | undefined): string;
  /** Hours with one decimal ("12.4 h"), "—" when nothing was measured. */
  hours(h: number | null | undefined): string;
  /** One decimal ("12.4"), "—" for none. */
  decimal(v: number | null | undefined): string;
  ratio(r: Ratio): RatioText;
  /** "12 May 2026, 14:05" in the organization's zone. */
  dateTime(iso: string): string;
  /** "12 May 2026". */
  date(iso: string): string;
  /** "14:05". */
  time(iso: string): string;
  /** "3 min ago", "2 days ago"; "never" for null. */
  ago(iso: string | null, nowMs: number): string;
}

export function orgFormat(zone: string, locale?: string): OrgFormat {
  const int = new Intl.NumberFormat(locale, { maximumFractionDigits: 0 });
  const oneDecimal = new Intl.NumberFormat(locale, { minimumFractionDigits: 1, maximumFractionDigits: 1 });
  const dateTime = new Intl.DateTimeFormat(locale, { timeZone: zone, dateStyle: 'medium', timeStyle: 'short' });
  const date = new Intl.DateTimeFormat(locale, { timeZone: zone, dateStyle: 'medium' });
  const time = new Intl.DateTimeFormat(locale, { timeZone: zone, timeStyle: 'short' });
  const relative = new Intl.RelativeTimeFormat(locale, { numeric: 'always', style: 'short' });
  const dash = '—';
  return {
    zone,
    count: (n) => (n === null || n === undefined ? dash : int.format(n)),
    hours: (h) => (h === null || h === undefined ? dash : `${oneDecimal.format(h)} h`),
    decimal: (v) => (v === null || v === undefined ? dash : oneDecimal.format(v)),
    ratio: (r) => {
      const detail = `${int.format(r.numerator)}/${int.format(r.denominator)}`;
      // "92.5 %" as the depot console and the KPI tables write it, with the locale's decimal mark.
      const value = r.value === null || r.denominator === 0 ? dash : `${oneDecimal.format(r.value * 100)} %`;
      return { value, detail, full: value === dash ? `${detail} (nothing to measure)` : `${detail} (${value})` };
    },
    dateTime: (iso) => dateTime.format(Date.parse(iso)),
    date: (iso) => date.format(Date.parse(iso)),
    time: (iso) => time.format(Date.parse(iso)),
    ago: (iso, nowMs) => {
      if (!iso) return 'never';
      // A clock a little ahead of ours still reads as just now, never "in 5 s".
      const seconds = Math.max(0, (nowMs - Date.parse(iso)) / 1000);
      if (seconds < 45) return 'just now';
      if (seconds < 3600) return relative.format(-Math.max(1, Math.round(seconds / 60)), 'minute');
      if (seconds < 86_400) return relative.format(-Math.round(seconds / 3600), 'hour');
      return relative.format(-Math.round(seconds / 86_400), 'day');
    },
  };
}
