/** Epoch ms → epoch ms of the same wall-clock time in UTC (what an Excel date cell holds). */
export function wallClockMs(zone: string): (ms: number | null) => number | null {
  const fmt = new Intl.DateTimeFormat('en-GB', {
    timeZone: zone,
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
    hourCycle: 'h23',
  });
  const offsetAt = (ms: number) => {
    const p = Object.fromEntries(fmt.formatToParts(new Date(ms)).map((x) => [x.type, Number(x.value)]));
    return Date.UTC(p.year ?? 1970, (p.month ?? 1) - 1, p.day ?? 1, p.hour ?? 0, p.minute ?? 0, p.second ?? 0) - (ms - (ms % 1000));
  };
  // Offsets change a few times a year, so they are cached per day (formatting every cell took most
  // of the sheet's time, and one format per hour still cost ~4 % of the Events sheet's thread). A day
  // in which the offset changes is cached per hour instead; an hour in which it changes, not at all.
  const days = new Map<number, number | null>();
  const hours = new Map<number, number | null>();
  const stable = (cache: Map<number, number | null>, key: number, start: number, last: number) => {
    let off = cache.get(key);
    if (off === undefined) {
      const a = offsetAt(start);
      off = a === offsetAt(last) ? a : null;
      if (cache.size > 100_000) cache.clear();
      cache.set(key, off);
    }
    return off;
  };
  return (ms) => {
    if (ms === null) return null;
    const day = Math.floor(ms / 86_400_000);
    let off = stable(days, day, day * 86_400_000, day * 86_400_000 + 86_399_000);
    if (off === null) {
      const hour = Math.floor(ms / 3_600_000);
      off = stable(hours, hour, hour * 3_600_000, hour * 3_600_000 + 3_599_000);
    }
    return ms + (off ?? offsetAt(ms));
  };
}

/**
 * The Excel number format for date cells in `locale`'s order and clock: "dd/mm/yyyy hh:mm" (en-GB),
 * "mm/dd/yyyy h:mm AM/PM" (en-US), "dd.mm.yyyy hh:mm" (de-DE). Cells hold real dates, so sorting and
 * filtering still work; only how they read follows the depot (issue 17, 6).
 */
export function excelDateFormat(locale: string): string {
  let parts: Intl.DateTimeFormatPart[];
  let h12: boolean;
  try {
    parts = new Intl.DateTimeFormat(locale, { timeZone: 'UTC', day: '2-digit', month: '2-digit', year: 'numeric' }).formatToParts(
      Date.UTC(2026, 11, 2),
    );
    h12 = new Intl.DateTimeFormat(locale, { hour: 'numeric' }).resolvedOptions().hour12 === true;
  } catch {
    return 'yyyy-mm-dd hh:mm';
  }
  const code: Record<string, string> = { day: 'dd', month: 'mm', year: 'yyyy' };
  // Literals quoted: "." or "-" mean nothing special to Excel, but a letter would (some locales add one).
  const date = parts
    .map((p) => code[p.type] ?? (p.type === 'literal' ? `"${p.value.replace(/[\u200e\u200f"]/g, '')}"` : ''))
    .join('')
    .replace(/""/g, '');
  return `${date} ${h12 ? 'h:mm AM/PM' : 'hh:mm'}`;
}
