import type { ChainHead } from '../../../db/audit-chain.js';
import type { KpiFilters, Ratio } from '../kpi-types.js';

/** Plain-text formatting shared by the PDF, the workbook and the share page, so every output reads the same. */

function parts(ms: number, timeZone: string, withTime: boolean): Record<string, string> {
  let fmt: Intl.DateTimeFormat;
  try {
    fmt = new Intl.DateTimeFormat('en-GB', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      ...(withTime ? { hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZoneName: 'short' } : {}),
    });
  } catch {
    // A zone this runtime does not know: UTC, and the stamp says so.
    return parts(ms, 'UTC', withTime);
  }
  return Object.fromEntries(fmt.formatToParts(new Date(ms)).map((x) => [x.type, x.value]));
}

/** "2026-11-16 09:00 GMT" in `timeZone`. */
export function stamp(ms: number | null | undefined, timeZone: string): string {
  if (ms === null || ms === undefined) return '—';
  const p = parts(ms, timeZone, true);
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute} ${p.timeZoneName}`;
}

/** "2026-11-16" in `timeZone`. */
export function day(ms: number, timeZone: string): string {
  const p = parts(ms, timeZone, false);
  return `${p.year}-${p.month}-${p.day}`;
}

export function pct(r: Ratio): string {
  return r.value === null ? '—' : `${(r.value * 100).toFixed(1)} %`;
}

export function ratioText(r: Ratio): string {
  return r.value === null ? '— (0 / 0)' : `${pct(r)} (${r.numerator} / ${r.denominator})`;
}

export function hours(h: number | null): string {
  return h === null ? '—' : `${h.toFixed(1)} h`;
}

export function minutes(min: number): string {
  if (min < 60) return `${Math.round(min)} min`;
  return `${Math.floor(min / 60)} h ${String(Math.round(min % 60)).padStart(2, '0')} min`;
}

/**
 * The org's audit chain head as printed on reports ("Audit chain: 12,345 rows · head 3f9a1c2b7d0e4a51 ·
 * 2026-11-20 13:30 GMT"), so a paper copy witnesses the history up to then: GET /api/v1/audit/verify
 * later shows the same row and hash, or the chain was rewritten. 16 hex digits (64 bits) are plenty
 * for a person comparing by eye; the full hash goes to the hub.
 */
export function chainHeadText(head: ChainHead | null, timeZone: string): string {
  if (!head) return 'Audit chain: no entries yet';
  return `Audit chain: ${head.seq.toLocaleString('en-GB')} rows · head ${head.hash.slice(0, 16)} · ${stamp(head.at, timeZone)}`;
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
