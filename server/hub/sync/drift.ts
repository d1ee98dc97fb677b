import type { HubTx } from '../db/pool.js';
import type { ChecksumsAnswer, IdsPage, IdsQuery, PullFact, PullRow, RowsByIdAnswer, RowsByIdBody } from '../../sync/contract-protocol.js';
import { hubTable } from './catalogue.js';
import { HELD_FROM } from './merge.js';

/**
 * The hub's side of the drift check (docs/sync.md "Drift"): which rows the org has per table, as a
 * count and an MD5 of the sorted ids, and, for a table whose checksum a depot does not match, the ids
 * page by page and the rows themselves. Ids sort bytewise (COLLATE "C"), as a depot sorts them in
 * JavaScript. Every read is the credential's org (withOrg), like a pull.
 */

export async function readChecksums(tx: HubTx, orgId: string): Promise<ChecksumsAnswer> {
  const res = await tx.client.query<{ t: string; kind: 'row' | 'fact'; count: number; md5: string }>(
    `SELECT tbl AS t, 'row' AS kind, count(*)::int AS count, md5(string_agg(row_id, ',' ORDER BY row_id COLLATE "C")) AS md5
       FROM rows WHERE org_id = $1 AND NOT gone GROUP BY tbl
     UNION ALL
     SELECT tbl, 'fact', count(*)::int, md5(string_agg(row_id, ',' ORDER BY row_id COLLATE "C"))
       FROM facts WHERE org_id = $1 GROUP BY tbl`,
    [orgId],
  );
  const version = await tx.client.query<{ v: string }>('SELECT coalesce((SELECT version FROM org_versions WHERE org_id = $1), 0) AS v', [
    orgId,
  ]);
  return { version: Number(version.rows[0]!.v), tables: res.rows.sort((a, b) => (a.t < b.t ? -1 : a.t > b.t ? 1 : 0)) };
}

export async function readIds(tx: HubTx, orgId: string, q: IdsQuery): Promise<IdsPage> {
  const res = await tx.client.query<{ id: string }>(
    `SELECT id FROM (
       SELECT row_id AS id FROM rows WHERE org_id = $1 AND tbl = $2 AND NOT gone AND row_id COLLATE "C" > $3
       UNION ALL
       SELECT row_id FROM facts WHERE org_id = $1 AND tbl = $2 AND row_id COLLATE "C" > $3
     ) u ORDER BY id COLLATE "C" LIMIT $4`,
    [orgId, q.t, q.after, q.limit + 1],
  );
  return { ids: res.rows.slice(0, q.limit).map((r) => r.id), more: res.rows.length > q.limit };
}

/** The named rows as a pull page would carry them from version 0 (every field), gone ones as gone. */
export async function readRowsById(tx: HubTx, orgId: string, body: RowsByIdBody): Promise<RowsByIdAnswer> {
  const rows = await tx.client.query<{
    r: string;
    v: string;
    fields: Record<string, unknown>;
    clocks: Record<string, unknown>;
    gone: boolean;
  }>('SELECT row_id AS r, version AS v, fields, clocks, gone FROM rows WHERE org_id = $1 AND tbl = $2 AND row_id = ANY($3)', [
    orgId,
    body.t,
    body.ids,
  ]);
  const facts = await tx.client.query<{ r: string; v: string; fields: Record<string, unknown> }>(
    'SELECT row_id AS r, version AS v, fields FROM facts WHERE org_id = $1 AND tbl = $2 AND row_id = ANY($3)',
    [orgId, body.t, body.ids],
  );
  const intents = [...(hubTable(body.t)?.columns.values() ?? [])].filter((c) => c.kind === 'intent').map((c) => c.name);
  return {
    rows: rows.rows.map((x): PullRow => {
      if (x.gone) return { t: body.t, r: x.r, v: Number(x.v), f: {}, gone: true };
      const { [HELD_FROM]: _held, ...f } = x.fields;
      const stamps = Object.values(x.clocks).filter((s): s is string => typeof s === 'string' && /^\d{15}:/.test(s));
      const c = Object.fromEntries(
        intents.filter((n) => typeof x.clocks[n] === 'string' && x.clocks[n] !== '').map((n) => [n, x.clocks[n] as string]),
      );
      const newest = stamps.sort().at(-1);
      return {
        t: body.t,
        r: x.r,
        v: Number(x.v),
        f,
        ...(Object.keys(c).length ? { c } : {}),
        ...(newest ? { u: Number(newest.slice(0, 15)) } : {}),
      };
    }),
    facts: facts.rows.map((x): PullFact => ({ t: body.t, r: x.r, v: Number(x.v), f: x.fields })),
  };
}
