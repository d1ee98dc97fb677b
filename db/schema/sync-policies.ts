import * as org from './org.policy.js';
import * as places from './places.policy.js';
import * as projects from './projects.policy.js';
import * as sla from './sla.policy.js';
import * as workOrders from './work-orders.policy.js';
import * as inventory from './inventory.policy.js';
import * as history from './history.policy.js';
import * as preferences from './preferences.policy.js';
import * as pairing from './pairing.policy.js';
import * as field from './field.policy.js';
import * as telemetry from './telemetry.policy.js';
import * as reports from './reports.policy.js';
import * as sync from './sync.policy.js';
import * as jobs from './jobs.policy.js';
import * as maintenance from './maintenance.policy.js';
import type { TablePolicy } from './sync-policy.js';

/**
 * The registry of sync policies, one per table. Kept out of db/schema/index.ts because drizzle-kit
 * reads that file. Every export of a `*.policy.ts` module is a policy, so a new one is registered by
 * being declared.
 */
const ALL: readonly TablePolicy[] = Object.freeze(
  [
    org,
    places,
    projects,
    sla,
    workOrders,
    inventory,
    history,
    preferences,
    pairing,
    field,
    telemetry,
    reports,
    sync,
    jobs,
    maintenance,
  ].flatMap((m): TablePolicy[] => Object.values(m)),
);

// Built once at import: the writer asks for a table's policy on every row it writes.
const BY_TABLE = new Map<string, TablePolicy>();
for (const p of ALL) {
  if (BY_TABLE.has(p.table)) throw new Error(`two sync policies for table ${p.table}`);
  BY_TABLE.set(p.table, p);
}

/** The policy of a DB table; throws when it has none, so a table can never be written unclassified. */
export function policyOf(tableName: string): TablePolicy {
  const p = BY_TABLE.get(tableName);
  if (!p) throw new Error(`no sync policy for table ${tableName}`);
  return p;
}

export function allPolicies(): readonly TablePolicy[] {
  return ALL;
}
