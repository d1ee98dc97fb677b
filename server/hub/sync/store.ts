import type pg from 'pg';
import type { PushMutation, PushResult } from '../../sync/contract-protocol.js';
import { hubTable } from './catalogue.js';
import { naturalKeyOf, type BatchRowWrite, type ConflictWrite, type FactWrite, type MergeState } from './merge.js';
import { keyOf, splitKey, type HubRow } from './rows.js';

/**
 * The push's reads and writes, set-based: a fixed number of statements per batch whatever its size
 * (docs/sync.md, Push step 5). Every statement names the org explicitly as well as running under
 * row-level security, so a missing `app.org_id` fails closed and the plans use the (org_id, …) keys.
 */

interface RowRecord {
  tbl: string;
  row_id: string;
  fields: Record<string, unknown>;
  clocks: Record<string, string>;
  versions: Record<string, number>;
  version: string | number;
  gone: boolean;
}

const toRow = (r: RowRecord): HubRow => ({
  fields: r.fields,
  clocks: r.clocks,
  versions: r.versions,
  version: Number(r.version),
  gone: r.gone,
});

/** What the merge needs: the rows and facts the mutations name, every user, and the natural keys they claim. */
export async function loadState(client: pg.PoolClient, orgId: string, mutations: readonly PushMutation[]): Promise<MergeState> {
  const rowKeys = new Set<string>();
  const factKeys = new Set<string>();
  const claims = new Map<string, { column: string; values: Set<string> }>();
  for (const m of mutations) {
    for (const a of m.audit) factKeys.add(keyOf('audit_log', a.id));
    for (const c of m.changes) {
      const table = hubTable(c.t);
      if (!table) continue;
      if (table.merge === 'append') factKeys.add(keyOf(c.t, c.r));
      if (table.merge !== 'entity') continue;
      rowKeys.add(keyOf(c.t, c.r));
      const nk = table.naturalKey;
      const first = nk?.columns[0];
      const value = first ? c.f?.[first] : undefined;
      if (nk && nk.rule !== 'same-row' && first && typeof value === 'string') {
        const claim = claims.get(c.t) ?? { column: first, values: new Set() };
        claim.values.add(value);
        claims.set(c.t, claim);
      }
    }
  }
  const state: MergeState = { rows: new Map(), facts: new Map(), naturalKeys: new Map() };
  const [tbls, ids] = unzip(rowKeys);
  // Key lookups are LATERAL … LIMIT 1, so each key is one primary-key probe whatever the statistics
  // say: a plain join, planned on fresh or stale statistics (a depot's first push of its history),
  // hashed every row of the org's table and made each batch cost as much as the org's size.
  const rows = await client.query<RowRecord>(
    `SELECT r.tbl, r.row_id, r.fields, r.clocks, r.versions, r.version, r.gone FROM rows r
       WHERE r.org_id = $1 AND r.tbl = 'users'
     UNION ALL
     SELECT r.tbl, r.row_id, r.fields, r.clocks, r.versions, r.version, r.gone
       FROM unnest($2::text[], $3::text[]) AS k(tbl, row_id)
       CROSS JOIN LATERAL (SELECT * FROM rows r WHERE r.org_id = $1 AND r.tbl = k.tbl AND r.row_id = k.row_id LIMIT 1) r
      WHERE k.tbl <> 'users'`,
    [orgId, tbls, ids],
  );
  for (const r of rows.rows) state.rows.set(keyOf(r.tbl, r.row_id), toRow(r));
  if (factKeys.size) {
    const [ftbls, fids] = unzip(factKeys);
    const facts = await client.query<{ tbl: string; row_id: string; fields: Record<string, unknown> }>(
      `SELECT f.tbl, f.row_id, f.fields FROM unnest($2::text[], $3::text[]) AS k(tbl, row_id)
         CROSS JOIN LATERAL (SELECT * FROM facts f WHERE f.org_id = $1 AND f.tbl = k.tbl AND f.row_id = k.row_id LIMIT 1) f`,
      [orgId, ftbls, fids],
    );
    for (const f of facts.rows) state.facts.set(keyOf(f.tbl, f.row_id), f.fields);
  }
  for (const [tbl, claim] of claims) {
    const nk = hubTable(tbl)!.naturalKey!;
    const found = await client.query<{ row_id: string; fields: Record<string, unknown> }>(
      `SELECT row_id, fields FROM rows WHERE org_id = $1 AND tbl = $2 AND nk = ANY($3::text[])`,
      [orgId, tbl, [...claim.values]],
    );
    for (const r of found.rows) {
      const key = naturalKeyOf(tbl, nk.columns, r.fields);
      if (key) state.naturalKeys.set(key, (state.naturalKeys.get(key) ?? new Set()).add(r.row_id));
    }
  }
  return state;
}

function unzip(keys: Iterable<string>): [string[], string[]] {
  const a: string[] = [];
  const b: string[] = [];
  for (const k of keys) {
    const [t, r] = splitKey(k);
    a.push(t);
    b.push(r);
  }
  return [a, b];
}

/** Stored results of mutation ids already answered, by id. */
export async function storedResults(client: pg.PoolClient, orgId: string, ids: readonly string[]): Promise<Map<string, PushResult>> {
  const res = await client.query<{ id: string; result: PushResult }>(
    'SELECT id, result FROM applied_mutations WHERE org_id = $1 AND id = ANY($2::uuid[])',
    [orgId, ids],
  );
  return new Map(res.rows.map((r) => [r.id, r.result]));
}

export interface PushWrites {
  orgId: string;
  nodeId: string;
  epoch: number;
  now: number;
  rows: { key: string; row: HubRow }[];
  facts: FactWrite[];
  batchRows: BatchRowWrite[];
  conflicts: ConflictWrite[];
  answered: { mutation: PushMutation; result: PushResult }[];
}

/** The `nk` column: the value a table's one-column natural key claims, while the row is not gone (loadState's claims). */
function naturalKeyValue(tbl: string, row: HubRow): string | null {
  const nk = hubTable(tbl)?.naturalKey;
  const column = nk && nk.rule !== 'same-row' ? nk.columns[0] : undefined;
  const value = column ? row.fields[column] : undefined;
  return !row.gone && typeof value === 'string' ? value : null;
}

/** One statement per table for the whole batch; jsonb_to_recordset keeps it to one parameter each. */
export async function writePush(client: pg.PoolClient, w: PushWrites): Promise<void> {
  if (w.rows.length) {
    const payload = w.rows.map(({ key, row }) => {
      const [tbl, row_id] = splitKey(key);
      return {
        tbl,
        row_id,
        fields: row.fields,
        clocks: row.clocks,
        versions: row.versions,
        version: row.version,
        gone: row.gone,
        nk: naturalKeyValue(tbl, row),
      };
    });
    await client.query(
      `INSERT INTO rows (org_id, tbl, row_id, fields, clocks, versions, version, gone, nk)
       SELECT $1, x.tbl, x.row_id, x.fields, x.clocks, x.versions, x.version, x.gone, x.nk
         FROM jsonb_to_recordset($2::jsonb) AS x(tbl text, row_id text, fields jsonb, clocks jsonb, versions jsonb, version bigint, gone boolean, nk text)
       ON CONFLICT (org_id, tbl, row_id) DO UPDATE
         SET fields = excluded.fields, clocks = excluded.clocks, versions = excluded.versions, version = excluded.version, gone = excluded.gone, nk = excluded.nk`,
      [w.orgId, JSON.stringify(payload)],
    );
  }
  if (w.facts.length) {
    await client.query(
      `INSERT INTO facts (org_id, tbl, row_id, fields, version, node_id)
       SELECT $1, x.t, x.r, x.fields, x.version, $3
         FROM jsonb_to_recordset($2::jsonb) AS x(t text, r text, fields jsonb, version bigint)
       ON CONFLICT (org_id, tbl, row_id) DO NOTHING`,
      [w.orgId, JSON.stringify(w.facts), w.nodeId],
    );
  }
  if (w.batchRows.length) {
    await client.query(
      `INSERT INTO batch_rows (org_id, tbl, node_id, epoch, local_id, fields, version)
       SELECT $1, x.t, $3, $4, x."localId", x.fields, x.version
         FROM jsonb_to_recordset($2::jsonb) AS x(t text, "localId" bigint, fields jsonb, version bigint)
       ON CONFLICT (org_id, tbl, node_id, epoch, local_id) DO NOTHING`,
      [w.orgId, JSON.stringify(w.batchRows), w.nodeId, w.epoch],
    );
  }
  if (w.conflicts.length) {
    await client.query(
      `INSERT INTO conflicts (org_id, id, mutation_id, node_id, tbl, row_id, field, code, losing, kept, at)
       SELECT $1, x.id, x."mutationId", $3, x.t, x.r, x.field, x.code, x.losing, x.kept, $4
         FROM jsonb_to_recordset($2::jsonb) AS x(id uuid, "mutationId" uuid, t text, r text, field text, code text, losing jsonb, kept jsonb)
       ON CONFLICT (org_id, id) DO NOTHING`,
      [w.orgId, JSON.stringify(w.conflicts), w.nodeId, w.now],
    );
  }
  if (w.answered.length) {
    const payload = w.answered.map(({ mutation: m, result }) => ({
      id: m.id,
      seq: m.seq,
      hlc: m.hlc,
      action: m.action,
      actor: m.actorId,
      outcome: result.outcome,
      version: result.version ?? null,
      result,
    }));
    await client.query(
      `INSERT INTO applied_mutations (org_id, id, node_id, epoch, seq, hlc, action, actor_id, outcome, version, result, applied_at)
       SELECT $1, x.id, $3, $4, x.seq, x.hlc, x.action, x.actor, x.outcome, x.version, x.result, $5
         FROM jsonb_to_recordset($2::jsonb) AS x(id uuid, seq bigint, hlc text, action text, actor text, outcome text, version bigint, result jsonb)`,
      [w.orgId, JSON.stringify(payload), w.nodeId, w.epoch, w.now],
    );
  }
}
