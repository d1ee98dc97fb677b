import type { HubTx } from '../db/pool.js';
import { SYNC_SCHEMA_EPOCH, type PullPage } from '../../sync/contract-protocol.js';
import { allPolicies } from '../../../db/schema/sync-policies.js';
import { AppError, ValidationError } from '../../errors.js';
import { hubTable } from './catalogue.js';
import { HELD_FROM } from './merge.js';

export interface PullRequest {
  after: number;
  limit: number;
  schema: number;
  /**
   * Where the depot's current catch-up started (its cursor before the first page of it); fields
   * changed after it are sent. Defaults to `after`. See readPullText for why a paging depot needs it.
   */
  since?: number | undefined;
}

export class ResnapshotRequiredError extends AppError {
  constructor(message: string) {
    super(410, 'resnapshot_required', message);
  }
}

/** The page statement's 'm' row: its bound, whether more waits, the org's floor and version. */
interface PageMeta {
  to: number;
  more: boolean;
  floor: number | null;
  cur: number;
}

/** Every intent column the hub replicates as [table, column], in jsonb's key order (as `c` lists them). */
function intentColumns(): [string, string][] {
  return allPolicies()
    .flatMap((p) =>
      [...(hubTable(p.table)?.columns.values() ?? [])].filter((c) => c.kind === 'intent').map((c): [string, string] => [p.table, c.name]),
    )
    .sort(([, a], [, b]) => a.length - b.length || (a < b ? -1 : a > b ? 1 : 0));
}

/*
 * One statement, so one snapshot even under READ COMMITTED: the page's bound, its rows and facts and
 * the org's version are read together, and a push committing meanwhile is either wholly in or out.
 * The bound `to` is the limit-th version past the cursor among rows and facts (or the org's version
 * when fewer remain), so the page ends on a version boundary; entries sharing that version all come.
 *
 * PostgreSQL writes each row and fact as its JSON text (PullRow, PullFact, keys in the contract's
 * order), one result row each, plus one row ('m') with the bound, `more`, the floor and the org's
 * version; node-postgres parses none of it and readPullText only joins the texts. (Before, a
 * 5,000-row page was JSON.parse of three jsonb columns per row, the page built in JS, and
 * JSON.stringify of it all again. One aggregated text per page was tried too: PostgreSQL sends a
 * single multi-megabyte value far slower than the same bytes as rows.) Per row:
 * - `f`: the fields whose own version (`versions`) is past `since` ($4), absent ones as null. When
 *   every version is past it (always when since is 0: versions start at 1) that is the stored fields
 *   as they are: the hub writes a field's value, clock and version together (merge.ts lww,
 *   setField), and its only field without a version is HELD_FROM ($6), whose rows take the long
 *   way. That text is jsonb's own, with spaces after `,` and `:` (as are facts' fields); the long
 *   way is compact, and readPullText re-spells a small page compact.
 * - `c`: the clocks of those that are intent columns (one CASE per intent column, its table and name
 *   as parameters from $7 on), only when there is one (non-empty);
 * - `u`: the ms of the newest clock (HLCs sort as text in "C" order; the hub stores only wire-form
 *   stamps, `^\d{15}:`, so a clock of any other shape gives no `u`);
 * - a hard-deleted row is `{t, r, v, f: {}, gone: true}`.
 * Rows and facts come by version; entries sharing one come in any order, as before.
 */
function pageSql(intents: number): string {
  const c = Array.from({ length: intents }, (_, i) => {
    const [t, n] = [`$${7 + 2 * i}::text`, `$${8 + 2 * i}::text`];
    return `CASE WHEN r.tbl = ${t} AND (r.versions -> ${n})::numeric > $4 AND jsonb_typeof(r.clocks -> ${n}) = 'string'
                  AND r.clocks ->> ${n} <> '' THEN to_json(${n})::text || ':' || (r.clocks -> ${n})::text END`;
  });
  const clocks = intents ? `concat_ws(',', ${c.join(', ')})` : "''";
  return `
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
SELECT 'm' AS kind, 0::bigint AS v,
       json_build_object('to', (SELECT t FROM bound), 'more', (SELECT t FROM bound) < (SELECT v FROM cur),
                         'floor', (SELECT floor_version FROM hub_orgs WHERE id = $1), 'cur', (SELECT v FROM cur))::text AS j
UNION ALL
(SELECT 'r', r.version,
        '{"t":' || to_json(r.tbl)::text || ',"r":' || to_json(r.row_id)::text || ',"v":' || r.version::text ||
        CASE WHEN r.gone THEN ',"f":{},"gone":true}'
        ELSE ',"f":' ||
             CASE WHEN NOT (r.fields ?| $6::text[]) AND ($4 = 0 OR NOT jsonb_path_exists(r.versions, '$.* ? (@ <= $s)', $5::jsonb))
                  THEN r.fields::text
                  ELSE '{' || coalesce((
                         SELECT string_agg(to_json(e.key)::text || ':' || coalesce(r.fields -> e.key, 'null'::jsonb)::text, ',')
                           FROM jsonb_each(r.versions) e WHERE e.value::numeric > $4), '') || '}' END ||
             coalesce(',"c":{' || nullif(${clocks}, '') || '}', '') ||
             coalesce(',"u":' || (SELECT CASE WHEN m ~ '^[0-9]{1,15}:' THEN split_part(m, ':', 1)::bigint::text END
                                    FROM (SELECT max(x #>> '{}' COLLATE "C") AS m FROM jsonb_path_query(r.clocks, '$.*') x) mx), '') ||
             '}' END
   FROM rows r
  WHERE r.org_id = $1 AND r.version > $2 AND r.version <= (SELECT t FROM bound))
UNION ALL
(SELECT 'f', x.version,
        '{"t":' || to_json(x.tbl)::text || ',"r":' || to_json(x.row_id)::text || ',"v":' || x.version::text || ',"f":' || x.fields::text || '}'
   FROM facts x
  WHERE x.org_id = $1 AND x.version > $2 AND x.version <= (SELECT t FROM bound))
ORDER BY 1, 2`;
}

let statement: { sql: string; intents: string[] } | undefined;

/** Pages of at most this many rows and facts are sent compact (see readPullText). */
const COMPACT_UP_TO = 200;

/**
 * A page of the org's current state past `after` (docs/sync.md, "Pull") as the JSON text of a
 * PullPage: rows with only their fields changed since the catch-up began, the clocks of the intent
 * fields sent, facts once, never batch rows. The route sends it as is.
 *
 * Why `since`: a row is paged by its latest version, so a row edited at version 5 and again at 100
 * comes on the page that reaches 100. Had that page sent only fields changed after its own `after`
 * (say 50), the field of version 5 would never reach a depot that started at 0. Fields are therefore
 * filtered by where the catch-up started, which the depot keeps beside its cursor until a page says
 * `more: false`.
 */
export async function readPullText(tx: HubTx, ctx: { orgId: string }, q: PullRequest): Promise<string> {
  if (q.schema !== SYNC_SCHEMA_EPOCH) {
    throw new ResnapshotRequiredError(`This hub speaks sync schema ${SYNC_SCHEMA_EPOCH}, the depot ${q.schema}: pull again from 0.`);
  }
  const since = q.since ?? q.after;
  if (since > q.after)
    throw new ValidationError('since may not be past after.', [{ field: 'query.since', message: 'must be at most after' }]);
  if (!statement) {
    const intents = intentColumns();
    statement = { sql: pageSql(intents.length), intents: intents.flat() };
  }
  const params = [ctx.orgId, q.after, q.limit, since, JSON.stringify({ s: since }), [HELD_FROM], ...statement.intents];
  const res = await tx.client.query<[string, string, string]>({ text: statement.sql, values: params, rowMode: 'array' });
  let meta: PageMeta | undefined;
  const rows: string[] = [];
  const facts: string[] = [];
  for (const [kind, , j] of res.rows) {
    if (kind === 'r') rows.push(j);
    else if (kind === 'f') facts.push(j);
    else meta = JSON.parse(j) as PageMeta;
  }
  if (!meta) throw new Error('readPullText: the page statement returned no bound.');
  if (q.after > meta.cur) {
    throw new ResnapshotRequiredError(`Cursor ${q.after} is past this hub's version ${meta.cur} (a restored hub?): pull again from 0.`);
  }
  const floor = meta.floor ?? 0;
  if (q.after > 0 && q.after < floor) {
    throw new ResnapshotRequiredError(`Cursor ${q.after} is older than the hub keeps history for (${floor}): pull again from 0.`);
  }
  const head = `{"after":${JSON.stringify(q.after)},"to":${JSON.stringify(meta.to)},"more":${String(meta.more)}`;
  const text = `${head},"rows":[${rows.join(',')}],"facts":[${facts.join(',')}]}`;
  // A small page (a live edit's) is re-spelled compact, as JSON.stringify wrote it before: jsonb's
  // spaces would be ~4 % of its bytes, uncompressed under the 1 KiB gzip threshold. Cheap at this size.
  return rows.length + facts.length <= COMPACT_UP_TO ? JSON.stringify(JSON.parse(text)) : text;
}

/** The same page as an object, for callers that want one (tests, in-process tools). */
export async function readPull(tx: HubTx, ctx: { orgId: string }, q: PullRequest): Promise<PullPage> {
  return JSON.parse(await readPullText(tx, ctx, q)) as PullPage;
}

/**
 * Records when a depot last pulled (shown to hub admins and in the managers' view), at most once a
 * minute per node: a depot polls every few seconds when live, and a write per poll would be most of
 * the hub's writes. An UPDATE whose condition fails locks nothing.
 */
export async function notePull(tx: HubTx, orgId: string, nodeId: string, now: number, version: number): Promise<void> {
  await tx.client.query(
    `UPDATE nodes SET last_pull_at = $3::bigint, last_pulled_version = $4::bigint
      WHERE org_id = $1 AND id = $2 AND (last_pull_at IS NULL OR last_pull_at < $3::bigint - 60000)`,
    [orgId, nodeId, now, version],
  );
}
