import type { HubTx } from '../db/pool.js';
import type { PullFact, PullPage, PullRow } from '../../sync/contract-protocol.js';
import { hubTable } from './catalogue.js';
import type { PullRequest } from './pull.js';

/*
 * Test-only: the page as readPull built it in JavaScript before PostgreSQL wrote the page's JSON text
 * (pull.ts). Kept, unchanged but for the checks the real readPull makes first, as the oracle the
 * SQL-built page is compared with (pull-text.test.ts) and as the "before" of the timing.
 */

interface PullRecord {
  kind: 'r' | 'f' | 'to';
  tbl: string | null;
  row_id: string | null;
  fields: Record<string, unknown> | null;
  clocks: Record<string, string> | null;
  versions: Record<string, number> | null;
  version: string;
  gone: boolean | null;
}

const PAGE_SQL = `
WITH cur AS (SELECT coalesce((SELECT version FROM org_versions WHERE org_id = $1), 0) AS v),
vs AS (
  (SELECT version FROM rows WHERE org_id = $1 AND version > $2 ORDER BY version LIMIT $3)
  UNION ALL
  (SELECT version FROM facts WHERE org_id = $1 AND version > $2 ORDER BY version LIMIT $3)
),
bound AS (
  SELECT CASE WHEN (SELECT count(*) FROM vs) < $3 THEN (SELECT v FROM cur)
              ELSE (SELECT version FROM vs ORDER BY version OFFSET $3 - 1 LIMIT 1) END AS t
)
SELECT 'r' AS kind, tbl, row_id, fields, clocks, versions, version, gone
  FROM rows WHERE org_id = $1 AND version > $2 AND version <= (SELECT t FROM bound)
UNION ALL
SELECT 'f', tbl, row_id, fields, NULL, NULL, version, NULL
  FROM facts WHERE org_id = $1 AND version > $2 AND version <= (SELECT t FROM bound)
UNION ALL
SELECT 'to', NULL, NULL, NULL, NULL, NULL, (SELECT t FROM bound), (SELECT t FROM bound) < (SELECT v FROM cur)
ORDER BY 7, 1`;

function changedAt(clocks: Record<string, string>): { u?: number } {
  let newest = '';
  for (const hlc of Object.values(clocks)) if (hlc > newest) newest = hlc;
  const ms = Number(newest.slice(0, newest.indexOf(':')));
  return newest && Number.isSafeInteger(ms) && ms >= 0 ? { u: ms } : {};
}

export async function readPullInJs(tx: HubTx, ctx: { orgId: string }, q: PullRequest): Promise<PullPage> {
  const since = q.since ?? q.after;
  const res = await tx.client.query<PullRecord>(PAGE_SQL, [ctx.orgId, q.after, q.limit]);
  const end = res.rows.find((r) => r.kind === 'to')!;
  const rows: PullRow[] = [];
  const facts: PullFact[] = [];
  for (const r of res.rows) {
    if (r.kind === 'f') facts.push({ t: r.tbl!, r: r.row_id!, v: Number(r.version), f: r.fields! });
    if (r.kind !== 'r') continue;
    if (r.gone) {
      rows.push({ t: r.tbl!, r: r.row_id!, v: Number(r.version), f: {}, gone: true });
      continue;
    }
    const table = hubTable(r.tbl!);
    const f: Record<string, unknown> = {};
    let c: Record<string, string> | undefined;
    for (const [name, v] of Object.entries(r.versions!)) {
      if (v <= since) continue;
      f[name] = r.fields![name] ?? null;
      if (table?.columns.get(name)?.kind === 'intent' && r.clocks![name]) (c ??= {})[name] = r.clocks![name];
    }
    rows.push({ t: r.tbl!, r: r.row_id!, v: Number(r.version), f, ...(c ? { c } : {}), ...changedAt(r.clocks!) });
  }
  return { after: q.after, to: Number(end.version), more: end.gone === true, rows, facts };
}
