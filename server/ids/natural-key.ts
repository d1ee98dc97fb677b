import { policyOf } from '../../db/schema/sync-policies.js';
import { naturalId } from './natural.js';

/**
 * The id a new row of a `same-row` table takes from its natural key (db/schema/*.policy.ts): a skill
 * by name, a stock item by SKU, a team seat by (team, user), an SLA policy by (type, priority). Two
 * depots that create the same thing offline then name the same row, and their writes merge as edits
 * of it instead of colliding on the unique index at the hub.
 *
 * Null when the table has no such rule, or a key part is null: SQLite's unique indexes let NULLs
 * repeat, so two such rows are different things and must not share an id.
 */
export function naturalIdFor(table: string, orgId: string, values: Record<string, unknown>): string | null {
  const keyOf = keysOf(table);
  if (!keyOf) return null;
  const parts: string[] = [];
  for (const key of keyOf) {
    const value = key === 'orgId' ? orgId : values[key];
    if (value === null || value === undefined) return null;
    parts.push(String(value));
  }
  return naturalId(table, orgId, ...parts);
}

/** The natural key's drizzle property names, in the policy's order; computed once per table. */
const cache = new Map<string, readonly string[] | null>();
function keysOf(table: string): readonly string[] | null {
  if (cache.has(table)) return cache.get(table) ?? null;
  const policy = policyOf(table);
  let keys: string[] | null = null;
  if (policy.naturalKey?.rule === 'same-row') {
    const byDbName = new Map([...policy.columns].map(([key, info]) => [info.name, key]));
    keys = policy.naturalKey.columns.map((name) => {
      const key = byDbName.get(name);
      if (!key) throw new Error(`natural key of ${table} names ${name}, which has no policy`);
      return key;
    });
  }
  cache.set(table, keys);
  return keys;
}
