import { dayKeyAt, instantOf, parseDayKey, startOfDayKey, wallClockAt } from './zone';

/**
 * Every date, time and number the console and the crew view show, written the depot's way: in its
 * locale and its zone, never the browser's (issue 17, 6). A London depot reads "05 Dec, 06:50" on a
 * laptop set to en-US in New York. Built once per depot (Intl formatters are costly to create).
 */

/** Where the depot is: its BCP 47 locale and IANA zone (GET /auth/me `depot`). */
export interface DepotPlace {
  locale: string;
  timeZone: string;
}

/** An instant as the API gives it (ISO text), as epoch ms, or a Date; null/undefined print "—". */
export type When = string | number | Date | null | undefined;

export interface DatePattern {
  /** The order the locale writes a numeric date in. */
  order: ('day' | 'month' | 'year')[];
  /** "dd/mm/yyyy", "mm/dd/yyyy", "dd.mm.yyyy": what a text date field shows when empty. */
  placeholder: string;
}

export interface DepotFormat extends DepotPlace {
  /** "05 Dec, 06:50": lists, timelines, cards (the year is rarely in doubt there). */
  dateTime(v: When): string;
  /** "5 Dec 2026, 06:50": where the year matters (backups, share links, schedules). */
  dateTimeFull(v: When): string;
  /** "5 Dec 2026". */
  date(v: When): string;
  /** "5 Dec" (chart axes). */
  dayMonth(v: When): string;
  /** "06:50" (en-GB) / "6:50 AM" (en-US). */
  time(v: When, withSeconds?: boolean): string;
  /** "3 minutes ago", "in 2 hours", "yesterday". */
  relative(v: When, nowMs: number): string;
  /** "12,345" / "12.345"; `digits` fixes the decimals. */
  number(n: number | null | undefined, digits?: { min?: number; max?: number }): string;
  /** "YYYY-MM-DD" of the depot's day at `v`: the value form of date fields. */
  dayKey(v: When): string;
  /** The instant a depot day begins, or null for a malformed key. */
  startOfDay(dayKey: string): number | null;
  /** The instant of a depot wall clock ("2026-12-02", "13:00"), or null when either is malformed. */
  instant(dayKey: string, hhmm: string): number | null;
  /** "13:00" (24-hour, the value form of time fields) at `v` in the depot's zone. */
  clock(v: When): string;
  pattern: DatePattern;
  /** A day key written the depot's way for a text field ("02/12/2026"). */
  dateField(dayKey: string): string;
  /** What a person typed in a date field, read the depot's way, as a day key; null when not a real day. */
  parseDateField(text: string): string | null;
  /** "13:00" written the depot's way for a text field ("13:00" / "1:00 PM"). */
  timeField(hhmm: string): string;
  /** "1:05 pm", "13:05", "1305", "9" → "13:05" / "09:00"; null when not a time. */
  parseTimeField(text: string): string | null;
}

const DASH = '—';

function ms(v: When): number | null {
  if (v === null || v === undefined || v === '') return null;
  const t = v instanceof Date ? v.getTime() : typeof v === 'number' ? v : Date.parse(v);
  return Number.isFinite(t) ? t : null;
}

const pad = (n: number) => String(n).padStart(2, '0');

function patternOf(locale: string): DatePattern {
  const parts = new Intl.DateTimeFormat(locale, { timeZone: 'UTC', day: '2-digit', month: '2-digit', year: 'numeric' }).formatToParts(
    Date.UTC(2026, 11, 2),
  );
  const order: DatePattern['order'] = [];
  let placeholder = '';
  for (const p of parts) {
    if (p.type === 'day' || p.type === 'month' || p.type === 'year') {
      order.push(p.type);
      placeholder += p.type === 'day' ? 'dd' : p.type === 'month' ? 'mm' : 'yyyy';
    } else placeholder += p.value.replace(/[\u200e\u200f]/g, ''); // bidi marks some locales add
  }
  return { order: order.length === 3 ? order : ['day', 'month', 'year'], placeholder: placeholder.trim() };
}

export function depotFormat(place: DepotPlace): DepotFormat {
  const { locale, timeZone } = place;
  const dt = (o: Intl.DateTimeFormatOptions) => new Intl.DateTimeFormat(locale, { timeZone, ...o });
  const short = dt({ day: '2-digit', month: 'short', hour: '2-digit', minute: '2-digit' });
  const full = dt({ dateStyle: 'medium', timeStyle: 'short' });
  const date = dt({ dateStyle: 'medium' });
  const dayMonth = dt({ day: 'numeric', month: 'short' });
  const time = dt({ hour: '2-digit', minute: '2-digit' });
  const timeS = dt({ hour: '2-digit', minute: '2-digit', second: '2-digit' });
  const rel = new Intl.RelativeTimeFormat(locale, { numeric: 'auto' });
  const numbers = new Map<string, Intl.NumberFormat>();
  const numberFormat = (min?: number, max?: number) => {
    const key = `${min}:${max}`;
    let f = numbers.get(key);
    if (!f) {
      f = new Intl.NumberFormat(locale, { minimumFractionDigits: min, maximumFractionDigits: max ?? Math.max(min ?? 0, 3) });
      numbers.set(key, f);
    }
    return f;
  };
  // A field's time in the locale's clock: 12-hour where people write "1:00 PM".
  // (two-digit hours on a 24-hour clock: "00:48", not "0:48").
  const h12 = new Intl.DateTimeFormat(locale, { hour: 'numeric' }).resolvedOptions().hour12 === true;
  const fieldTime = new Intl.DateTimeFormat(locale, { timeZone: 'UTC', hour: h12 ? 'numeric' : '2-digit', minute: '2-digit' });
  const pattern = patternOf(locale);
  const with_ = (f: Intl.DateTimeFormat) => (v: When) => {
    const t = ms(v);
    return t === null ? DASH : f.format(t);
  };

  return {
    locale,
    timeZone,
    dateTime: with_(short),
    dateTimeFull: with_(full),
    date: with_(date),
    dayMonth: with_(dayMonth),
    time: (v, withSeconds = false) => with_(withSeconds ? timeS : time)(v),
    relative(v, nowMs) {
      const t = ms(v);
      if (t === null) return DASH;
      const s = Math.round((t - nowMs) / 1000);
      const abs = Math.abs(s);
      if (abs < 60) return rel.format(s, 'second');
      if (abs < 3600) return rel.format(Math.round(s / 60), 'minute');
      if (abs < 86_400) return rel.format(Math.round(s / 3600), 'hour');
      return rel.format(Math.round(s / 86_400), 'day');
    },
    number: (n, digits) => (n === null || n === undefined || !Number.isFinite(n) ? DASH : numberFormat(digits?.min, digits?.max).format(n)),
    dayKey: (v) => {
      const t = ms(v);
      return t === null ? '' : dayKeyAt(t, timeZone);
    },
    startOfDay: (key) => startOfDayKey(key, timeZone),
    instant(key, hhmm) {
      const d = parseDayKey(key);
      const m = /^(\d{2}):(\d{2})$/.exec(hhmm);
      if (!d || !m) return null;
      return instantOf({ ...d, hour: Number(m[1]), minute: Number(m[2]) }, timeZone);
    },
    clock(v) {
      const t = ms(v);
      if (t === null) return '';
      const w = wallClockAt(t, timeZone);
      return `${pad(w.hour)}:${pad(w.minute)}`;
    },
    pattern,
    dateField(key) {
      const d = parseDayKey(key);
      if (!d) return '';
      return new Intl.DateTimeFormat(locale, { timeZone: 'UTC', day: '2-digit', month: '2-digit', year: 'numeric' })
        .format(Date.UTC(d.year, d.month - 1, d.day))
        .replace(/[\u200e\u200f]/g, '');
    },
    parseDateField(text) {
      const groups = text.trim().match(/\d+/g);
      if (!groups || groups.length !== 3) return null;
      const v: Record<string, number> = {};
      // A four-digit first group is ISO order (2026-12-02) in any locale: pasted values, scripts.
      const order: DatePattern['order'] = groups[0]?.length === 4 ? ['year', 'month', 'day'] : pattern.order;
      order.forEach((k, i) => (v[k] = Number(groups[i])));
      const year = (v.year ?? 0) < 100 ? 2000 + (v.year ?? 0) : (v.year ?? 0);
      const key = `${String(year).padStart(4, '0')}-${pad(v.month ?? 0)}-${pad(v.day ?? 0)}`;
      return parseDayKey(key) ? key : null;
    },
    timeField(hhmm) {
      const m = /^(\d{2}):(\d{2})$/.exec(hhmm);
      return m ? fieldTime.format(Date.UTC(2026, 0, 1, Number(m[1]), Number(m[2]))) : '';
    },
    parseTimeField(text) {
      const m = /^(\d{1,2})(?:[:.h]?(\d{2}))?\s*([ap])?\.?\s*m?\.?$/i.exec(text.trim().replace(/\u202f/g, ' '));
      if (!m) return null;
      let hour = Number(m[1]);
      const minute = Number(m[2] ?? 0);
      const half = m[3]?.toLowerCase();
      if (half) {
        if (hour < 1 || hour > 12) return null;
        hour = (hour % 12) + (half === 'p' ? 12 : 0);
      }
      return hour > 23 || minute > 59 ? null : `${pad(hour)}:${pad(minute)}`;
    },
  };
}

/** Before sign-in (no depot known yet): the browser's own zone, in the host's fallback locale. */
export const BEFORE_SIGN_IN: DepotPlace = { locale: 'en-GB', timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone };
