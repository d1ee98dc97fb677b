import type { Sqlite } from '../../db/client.js';
import { effectiveLocale } from '../depots/contract-locale.js';

/** Which zone a report's days are cut in, shared by the live KPI route, report jobs and schedules. */

/** The depot's zone when it exists in this org, else undefined (the caller decides whether that is a 404). */
export function depotZone(sqlite: Sqlite, orgId: string, depotId: string): string | undefined {
  return sqlite.prepare('SELECT time_zone FROM depots WHERE id = ? AND org_id = ?').pluck().get(depotId, orgId) as string | undefined;
}

/** The zone buckets and stamps are shown in: the filtered depot's, else the organization's. */
export function zoneFor(sqlite: Sqlite, orgId: string, depotId?: string): string {
  const depot = depotId ? depotZone(sqlite, orgId, depotId) : undefined;
  return depot ?? (sqlite.prepare('SELECT time_zone FROM organizations WHERE id = ?').pluck().get(orgId) as string | undefined) ?? 'UTC';
}

/**
 * The locale a report prints in: the filtered depot's (its own tag, else its zone's default); for a
 * whole-org report, the tag the org's depots agree on (one depot, typically), else the org zone's default.
 */
export function localeFor(sqlite: Sqlite, orgId: string, depotId?: string): string {
  if (depotId) {
    const row = sqlite.prepare('SELECT locale, time_zone AS zone FROM depots WHERE id = ? AND org_id = ?').get(depotId, orgId) as
      { locale: string | null; zone: string } | undefined;
    if (row) return effectiveLocale(row.locale, row.zone);
  }
  const tags = sqlite
    .prepare('SELECT DISTINCT locale FROM depots WHERE org_id = ? AND deleted_at IS NULL AND locale IS NOT NULL')
    .pluck()
    .all(orgId) as string[];
  return effectiveLocale(tags.length === 1 ? tags[0] : null, zoneFor(sqlite, orgId));
}

/** Zone and locale together: where a report's dates and numbers are read. */
export function placeFor(sqlite: Sqlite, orgId: string, depotId?: string): { zone: string; locale: string } {
  return { zone: zoneFor(sqlite, orgId, depotId), locale: localeFor(sqlite, orgId, depotId) };
}
