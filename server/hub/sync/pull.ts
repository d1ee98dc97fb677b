import type { HubTx } from '../db/pool.js';
import { SYNC_SCHEMA_EPOCH, type PullFact, type PullPage, type PullRow } from '../../sync/contract-protocol.js';
import { AppError, ValidationError } from '../../errors.js';
import { hubTable } from './catalogue.js';

export interface PullRequest {
  after: number;
  limit: number;
  schema: number;
  /**
   * Where the depot's current catch-up started (its cursor before the first page of it); fields
   * changed after it are sent. Defaults to `after`. See readPull for why a paging depot needs it.
   */
  since?: number | undefined;
}

export class ResnapshotRequiredError extends AppError {
  constructor(message: string) {
    super(410, 'resnapshot_required', message);
  }
}

interface PullRecord {
  kind: 'r' | 'f' | 'to';
  tbl: string | null;
  row_id: string | null;
  fields: Record<string, unknown> | null;
  clocks: Record<string, string> | null;
  versions: Record<string, number> | null;
  version: string;
  gone: boolean | null;
  floor: string | null;
  cur: string | null;
}

/*
 * One statement, so one snapshot even under READ COMMITTED: the page's bound, its rows and facts and
 * the org's version are read together, and a push committing meanwhile is either wholly in or out.
 * The bound `to` is the limit-th version past the cursor among rows and facts (or the org's version
 * when fewer remain), so the page ends on a version boundary; entries sharing that version all come.
 */
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
SELECT 'r' AS kind, tbl, row_id, fields, clocks, versions, version, gone, NULL::bigint AS floor, NULL::bigint AS cur
  FROM rows WHERE org_id = $1 AND version > $2 AND version <= (SELECT t FROM bound)
UNION ALL
SELECT 'f', tbl, row_id, fields, NULL, NULL, version, NULL, NULL, NULL
  FROM facts WHERE org_id = $1 AND version > $2 AND version <= (SELECT t FROM bound)
UNION ALL
SELECT 'to', NULL, NULL, NULL, NULL, NULL, (SELECT t FROM bound), (SELECT t FROM bound) < (SELECT v FROM cur),
       (SELECT floor_version FROM hub_orgs WHERE id = $1), (SELECT v FROM cur)
ORDER BY 7, 1`;

/**
 * A page of the org's current state past `after` (docs/sync.md, "Pull"): rows with only their fields
 * changed since the catch-up began, the clocks of the intent fields sent, facts once, never batch rows.
 *
 * Why `since`: a row is paged by its latest version, so a row edited at version 5 and again at 100
 * comes on the page that reaches 100. Had that page sent only fields changed after its own `after`
 * (say 50), the field of version 5 would never reach a depot that started at 0. Fields are therefore
 * filtered by where the catch-up started, which the depot keeps beside its cursor until a page says
 * `more: false`.
 */
/** The wall time of a row's newest field clock (HLCs sort as strings: `<ms, 15 digits>:<counter>:<node>`). */
function changedAt(clocks: Record<string, string>): { u?: number } {
  let newest = '';
  for (const hlc of Object.values(clocks)) if (hlc > newest) newest = hlc;
  const ms = Number(newest.slice(0, newest.indexOf(':')));
  return newest && Number.isSafeInteger(ms) && ms >= 0 ? { u: ms } : {};
}

export async function readPull(tx: HubTx, ctx: { orgId: string }, q: PullRequest): Promise<PullPage> {
  if (q.schema !== SYNC_SCHEMA_EPOCH) {
    throw new ResnapshotRequiredError(`This hub speaks sync schema ${SYNC_SCHEMA_EPOCH}, the depot ${q.schema}: pull again from 0.`);
  }
  const since = q.since ?? q.after;
  if (since > q.after)
    throw new ValidationError('since may not be past after.', [{ field: 'query.since', message: 'must be at most after' }]);
  const res = await tx.client.query<PullRecord>(PAGE_SQL, [ctx.orgId, q.after, q.limit]);
  const end = res.rows.find((r) => r.kind === 'to')!;
  const floor = Number(end.floor ?? 0);
  if (q.after > Number(end.cur)) {
    throw new ResnapshotRequiredError(
      `Cursor ${q.after} is past this hub's version ${String(end.cur)} (a restored hub?): pull again from 0.`,
    );
  }
  if (q.after > 0 && q.after < floor) {
    throw new ResnapshotRequiredError(`Cursor ${q.after} is older than the hub keeps history for (${floor}): pull again from 0.`);
  }
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
