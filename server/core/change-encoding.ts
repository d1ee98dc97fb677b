import type { ColumnPolicy, TablePolicy } from '../../db/schema/sync-policy.js';
import { policyOf } from '../../db/schema/sync-policies.js';

/** One column that travels, ready to be written: its JSON key prefix (`"db_name":`) is built once. */
interface TravellingColumn {
  key: string;
  prefix: string;
  kind: 'synced' | 'intent';
}

/**
 * How the rows of one table are written to `changes.fields`, precomputed from its sync policy
 * (design 3.1, 3.2): only `synced` and `intent` columns travel, keyed by DB column name. `key`
 * columns are implied by the change row and its mutation; `derived`, `local` and `secret` columns
 * never leave the depot. Built once per table, so the write path does no policy lookups per row.
 */
export class TableEncoding {
  /** Travelling columns in table order (inserts). */
  private readonly columns: TravellingColumn[] = [];
  /** The same, by drizzle key (updates look up only the keys that changed). */
  private readonly byKey = new Map<string, TravellingColumn>();
  /** Every column's kind by drizzle key, for setLocal's check. */
  readonly kinds = new Map<string, ColumnPolicy>();
  /** False for local and derived tables: their writes never reach the change log. */
  readonly travels: boolean;

  constructor(readonly policy: TablePolicy) {
    this.travels = policy.merge !== 'local' && policy.merge !== 'derived';
    for (const [key, info] of policy.columns) {
      this.kinds.set(key, info.kind);
      if (info.kind !== 'synced' && info.kind !== 'intent') continue;
      const column: TravellingColumn = { key, prefix: `${JSON.stringify(info.name)}:`, kind: info.kind };
      this.columns.push(column);
      this.byKey.set(key, column);
    }
  }

  /**
   * An insert: every non-null travelling column. An intent column holds its plain first value here
   * (there is no transition yet, only a starting state).
   */
  insert(row: Record<string, unknown>): string {
    let out = '';
    for (const c of this.columns) {
      const value = row[c.key];
      if (value === null || value === undefined) continue;
      out += (out ? ',' : '{') + c.prefix + JSON.stringify(value);
    }
    return out ? `${out}}` : '{}';
  }

  /**
   * An update, from the diff the audit entry already computed (`was`/`now` hold only the changed
   * keys): the travelling columns among them with their new values, or null when none travels (a
   * derived or local column alone changed, which a receiver recomputes or never sees). An intent
   * column becomes `{from, to, v}` with `v` the row's version before the write, so a receiver can
   * validate the transition against its own row (design 3.6).
   */
  update(was: Record<string, unknown>, now: Record<string, unknown>, versionBefore: unknown): string | null {
    let out = '';
    for (const key in now) {
      const c = this.byKey.get(key);
      if (!c) continue;
      const value =
        c.kind === 'intent'
          ? `{"from":${JSON.stringify(was[key] ?? null)},"to":${JSON.stringify(now[key] ?? null)},"v":${JSON.stringify(versionBefore ?? null)}}`
          : JSON.stringify(now[key] ?? null);
      out += (out ? ',' : '{') + c.prefix + value;
    }
    return out ? `${out}}` : null;
  }
}

const encodings = new Map<string, TableEncoding>();

/** The encoding of a DB table, built on first use; throws (via policyOf) for a table without a policy. */
export function encodingOf(tableName: string): TableEncoding {
  let e = encodings.get(tableName);
  if (!e) encodings.set(tableName, (e = new TableEncoding(policyOf(tableName))));
  return e;
}
