import { and, asc, eq, isNull, sql } from 'drizzle-orm';
import { depots, hostSettings, organizations } from '../../db/schema/index.js';
import { effectiveLocale } from './contract-locale.js';
import type { Ctx, Host } from '../core/context.js';
import { perConnection } from '../../db/per-connection.js';
import type { Db } from '../../db/client.js';

/**
 * This host's home depot: the depot whose code prefixes the work-order numbers it issues
 * ("AVM-000124"). Depot codes are unique within the org, so two depots numbering offline can never
 * issue the same number. Kept in host_settings (a host-local table, never synced): first-run setup
 * sets it to the depot it creates, the demo seed to AVM.
 */
export const HOME_DEPOT_KEY = 'node_depot_id';

/** Prefix for an org with no depot at all (only bare test orgs): the numbers they had before depots prefixed them. */
export const FALLBACK_PREFIX = 'WO';

/** Local setting, so a raw write: it is this machine's choice, not a fact to sync. */
export function setHomeDepot(host: Host, depotId: string): void {
  host.db
    .insert(hostSettings)
    .values({ key: HOME_DEPOT_KEY, value: depotId })
    .onConflictDoUpdate({ target: hostSettings.key, set: { value: depotId } })
    .run();
}

const configuredQuery = perConnection((db: Db) =>
  db.select({ value: hostSettings.value }).from(hostSettings).where(eq(hostSettings.key, HOME_DEPOT_KEY)).prepare(),
);
const live = and(eq(depots.orgId, sql.placeholder('orgId')), isNull(depots.deletedAt));
const depotQuery = perConnection((db: Db) =>
  db
    .select({ id: depots.id, code: depots.code })
    .from(depots)
    .where(and(eq(depots.id, sql.placeholder('id')), live))
    .prepare(),
);
const firstDepotQuery = perConnection((db: Db) =>
  db.select({ id: depots.id, code: depots.code }).from(depots).where(live).orderBy(asc(depots.code), asc(depots.id)).limit(1).prepare(),
);

/**
 * The home depot for `ctx.orgId`: the configured one if it belongs to this org and is not deleted,
 * else the org's first live depot by code (a host serving a second org, or one set up before the
 * setting existed). Null when the org has no depot. Its queries are prepared once: every new work
 * order's number asks for it (the demo seed creates 100,000).
 */
export function homeDepot(ctx: Ctx): { id: string; code: string } | null {
  const db = ctx.host.db;
  const configured = configuredQuery(db).get()?.value;
  if (typeof configured === 'string') {
    const depot = depotQuery(db).get({ id: configured, orgId: ctx.orgId });
    if (depot) return depot;
  }
  return firstDepotQuery(db).get({ orgId: ctx.orgId }) ?? null;
}

/** The work-order number prefix of this host for `ctx.orgId`. */
export function numberPrefix(ctx: Ctx): string {
  return homeDepot(ctx)?.code ?? FALLBACK_PREFIX;
}

const placeQuery = perConnection((db: Db) =>
  db
    .select({ timeZone: depots.timeZone, locale: depots.locale })
    .from(depots)
    .where(and(eq(depots.id, sql.placeholder('id')), live))
    .prepare(),
);
const orgZoneQuery = perConnection((db: Db) =>
  db
    .select({ timeZone: organizations.timeZone })
    .from(organizations)
    .where(eq(organizations.id, sql.placeholder('orgId')))
    .prepare(),
);

/**
 * The zone and locale this host's screens show dates in: its home depot's, else (an org with no
 * depot yet) the organization's zone and that zone's default locale.
 */
export function homeDepotLocale(ctx: Ctx): { depotId: string | null; timeZone: string; locale: string } {
  const home = homeDepot(ctx);
  const place = home ? placeQuery(ctx.host.db).get({ id: home.id, orgId: ctx.orgId }) : undefined;
  const timeZone = place?.timeZone ?? orgZoneQuery(ctx.host.db).get({ orgId: ctx.orgId })?.timeZone ?? 'UTC';
  return { depotId: home?.id ?? null, timeZone, locale: effectiveLocale(place?.locale, timeZone) };
}
