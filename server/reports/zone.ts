import type { Sqlite } from '../../db/client.js';

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
