import type { ChainHead } from '../../../db/audit-chain.js';
import type { KpiFilters, Ratio } from '../kpi-types.js';
import { localeForZone } from '../../depots/contract-locale.js';

/** Plain-text formatting shared by the PDF, the workbook and the share page, so every output reads the same. */

/**
 * Where a report is read: the depot's zone and locale (issue 17, 6). Every printed date, time and
 * number goes through one of these, so a London depot's PDF reads "5 Dec 2026, 06:50 GMT" and
 * "1,234.5" and a Berlin depot's "5. Dez. 2026, 07:50 MEZ" and "1.234,5".
 */
export interface Where {
  zone: string;
  locale: string;
}

/** A KPI query's or a work order's place; no locale (an older caller) means the zone's default. */
export const whereOf = (q: { zone: string; locale?: string | null }): Where => ({
  zone: q.zone,
  locale: q.locale || localeForZone(q.zone),
});

const cache = new Map<string, Intl.DateTimeFormat | Intl.NumberFormat>();
function cached<T extends Intl.DateTimeFormat | Intl.NumberFormat>(key: string, make: () => T): T {
  let f = cache.get(key) as T | undefined;
  if (!f) {
    if (cache.size > 200) cache.clear();
    f = make();
    cache.set(key, f);
  }
  return f;
}

function dateFormat(where: Where, kind: 'stamp' | 'date' | 'dayMonth'): Intl.DateTimeFormat {
  const options: Record<typeof kind, Intl.DateTimeFormatOptions> = {
    stamp: { day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit', timeZoneName: 'short' },
    date: { day: 'numeric', month: 'short', year: 'numeric' },
    dayMonth: { day: '2-digit', month: '2-digit' },
  };
  return cached(`${kind}|${where.locale}|${where.zone}`, () => {
    try {
      return new Intl.DateTimeFormat(where.locale, { timeZone: where.zone, ...options[kind] });
    } catch {
      // A zone this runtime does not know: UTC, and the stamp says so.
      return new Intl.DateTimeFormat(where.locale, { timeZone: 'UTC', ...options[kind] });
    }
  });
}

// PDF fonts and plain-text readers both cope better with ordinary spaces than ICU's narrow no-break ones.
const plain = (s: string) => s.replace(/[\u202f\u00a0]/g, ' ');

/** "5 Dec 2026, 09:00 GMT" (en-GB) / "Dec 5, 2026, 09:00 AM EST" (en-US), in the depot's zone. */
export function stamp(ms: number | null | undefined, where: Where): string {
  return ms === null || ms === undefined ? '—' : plain(dateFormat(where, 'stamp').format(ms));
}

/** "5 Dec 2026": a printed day. */
export function date(ms: number, where: Where): string {
  return plain(dateFormat(where, 'date').format(ms));
}

/** "05/12" (en-GB) / "12/05" (en-US) / "05.12." (de-DE): chart axis days. */
export function dayMonth(ms: number, where: Where): string {
  return plain(dateFormat(where, 'dayMonth').format(ms));
}

/** A number the depot's way ("1,234.5" / "1.234,5"). */
export function count(n: number, where: Where, digits = 0): string {
  return plain(
    cached(
      `n${digits}|${where.locale}`,
      () => new Intl.NumberFormat(where.locale, { minimumFractionDigits: digits, maximumFractionDigits: digits }),
    ).format(n),
  );
}

function parts(ms: number, timeZone: string): Record<string, string> {
  let fmt: Intl.DateTimeFormat;
  try {
    fmt = new Intl.DateTimeFormat('en-GB', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
  } catch {
    return parts(ms, 'UTC');
  }
  return Object.fromEntries(fmt.formatToParts(new Date(ms)).map((x) => [x.type, x.value]));
}

/** "2026-11-16" in `timeZone`: file names and keys (sortable, the same in every locale), never printed prose. */
export function day(ms: number, timeZone: string): string {
  const p = parts(ms, timeZone);
  return `${p.year}-${p.month}-${p.day}`;
}

export function pct(r: Ratio, where: Where): string {
  return r.value === null ? '—' : `${count(r.value * 100, where, 1)} %`;
}

export function ratioText(r: Ratio, where: Where): string {
  return r.value === null ? '— (0 / 0)' : `${pct(r, where)} (${count(r.numerator, where)} / ${count(r.denominator, where)})`;
}

export function hours(h: number | null, where: Where): string {
  return h === null ? '—' : `${count(h, where, 1)} h`;
}

export function minutes(min: number, where: Where): string {
  if (min < 60) return `${Math.round(min)} min`;
  return `${count(Math.floor(min / 60), where)} h ${String(Math.round(min % 60)).padStart(2, '0')} min`;
}

/**
 * The org's audit chain head as printed on reports ("Audit chain: 12,345 rows · head 3f9a1c2b7d0e4a51 ·
 * 2026-11-20 13:30 GMT"), so a paper copy witnesses the history up to then: GET /api/v1/audit/verify
 * later shows the same row and hash, or the chain was rewritten. 16 hex digits (64 bits) are plenty
 * for a person comparing by eye; the full hash goes to the hub.
 */
export function chainHeadText(head: ChainHead | null, where: Where): string {
  if (!head) return 'Audit chain: no entries yet';
  return `Audit chain: ${count(head.seq, where)} rows · head ${head.hash.slice(0, 16)} · ${stamp(head.at, where)}`;
}

/** "Team: North · Type: corrective", or "none" — filter ids are replaced by names where the caller knows them. */
export function filtersText(filters: KpiFilters, names: Record<string, string> = {}): string {
  const label: Record<keyof KpiFilters, string> = {
    depotId: 'Depot',
    teamId: 'Team',
    assigneeId: 'Technician',
    type: 'Type',
    locationId: 'Location',
    assetId: 'Asset',
  };
  const out: string[] = [];
  for (const key of Object.keys(label) as (keyof KpiFilters)[]) {
    const v = filters[key];
    if (v) out.push(`${label[key]}: ${names[v] ?? v}`);
  }
  return out.length ? out.join(' · ') : 'none (all depots)';
}
