import { createHash } from 'node:crypto';
import Database from 'better-sqlite3';
import { allPolicies } from '../../../db/schema/sync-policies.js';
import type { TablePolicy } from '../../../db/schema/sync-policy.js';

/**
 * The replicated state of one org in a depot's SQLite file, as one hash per table: every row the
 * table's policy sends (entity, append and batch tables), reduced to the columns that travel (key,
 * synced, intent), in an order that does not depend on insertion. Two replicas that converged have
 * the same hashes; `local`, `derived` and `secret` columns may differ and are left out.
 */

export interface TableState {
  rows: number;
  hash: string;
  /** The canonical rows themselves, kept so a divergence can name the rows that differ. */
  lines: string[];
}

const REPLICATED = new Set(['entity', 'append', 'batch']);
const TRAVELS = new Set(['key', 'synced', 'intent']);

function travellingColumns(p: TablePolicy): string[] {
  return [...p.columns.values()].filter((c) => TRAVELS.has(c.kind)).map((c) => c.name);
}

/**
 * JSON held as text (event details, audit payloads) compares by meaning: the hub keeps it as jsonb,
 * which does not keep key order, so a replica that received a row spells the same object differently.
 */
function canonicalValue(v: unknown): unknown {
  if (Buffer.isBuffer(v)) return v.toString('base64');
  if (typeof v !== 'string' || !(v.startsWith('{') || v.startsWith('['))) return v;
  try {
    return sortKeys(JSON.parse(v));
  } catch {
    return v;
  }
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v === null || typeof v !== 'object') return v;
  return Object.fromEntries(
    Object.keys(v)
      .sort()
      .map((k) => [k, sortKeys((v as Record<string, unknown>)[k])]),
  );
}

export function canonicalState(dbFile: string, orgId: string): Map<string, TableState> {
  // Read-only beside the running host: WAL readers see the last committed state.
  const db = new Database(dbFile, { readonly: true, fileMustExist: true });
  try {
    const out = new Map<string, TableState>();
    for (const p of allPolicies()) {
      if (!REPLICATED.has(p.merge)) continue;
      const cols = travellingColumns(p);
      const names = new Set([...p.columns.values()].map((c) => c.name));
      const orgColumn = names.has('org_id') ? 'org_id' : 'id';
      const rows = db
        .prepare(`SELECT ${cols.map((c) => `"${c}"`).join(', ')} FROM "${p.table}" WHERE "${orgColumn}" = ?`)
        .raw()
        .all(orgId);
      const lines = (rows as unknown[][]).map((r) => JSON.stringify(r.map(canonicalValue))).sort();
      const hash = createHash('sha256');
      for (const line of lines) hash.update(line).update('\n');
      out.set(p.table, { rows: lines.length, hash: hash.digest('hex'), lines });
    }
    return out;
  } finally {
    db.close();
  }
}

/** Each table whose state differs between replicas, with the first few rows only some of them hold. */
export function divergences(states: ReadonlyMap<string, Map<string, TableState>>): string[] {
  const [first, ...rest] = [...states];
  if (!first) return [];
  const found: string[] = [];
  for (const [table, base] of first[1]) {
    for (const [name, state] of rest) {
      const other = state.get(table);
      if (!other || other.hash === base.hash) continue;
      const a = new Set(base.lines);
      const b = new Set(other.lines);
      const cut = (l: string) => (l.length > 240 ? `${l.slice(0, 240)}…` : l);
      const onlyA = base.lines
        .filter((l) => !b.has(l))
        .slice(0, 3)
        .map(cut);
      const onlyB = other.lines
        .filter((l) => !a.has(l))
        .slice(0, 3)
        .map(cut);
      found.push(
        `${table}: ${first[0]} has ${base.rows} rows, ${name} ${other.rows}; only on ${first[0]}: ${onlyA.join(' ') || '-'}; only on ${name}: ${onlyB.join(' ') || '-'}`,
      );
    }
  }
  return found;
}
