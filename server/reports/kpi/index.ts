import type { Sqlite } from '../../../db/client.js';
import type { KpiDimension, KpiQuery, KpiReport, KpiRow, Ratio } from '../kpi-types.js';
import { BREACHED_BRANCH, breachedRows, MTBF_BRANCH, mtbfRows, type Miss } from './breached.js';
import { addSums, emptySums, normalise, ratio, toSummary, volume } from './rollup.js';
import { AGGREGATES, factsSql, HELD_CTE, REJECTED_CTE, scope, type Sums } from './sql.js';
import { addHistogramRow, emptyHistogram, HISTOGRAM_BRANCHES, series } from './trends.js';
import { shiftMinutesFor, utilisation, type Utilisation } from './utilisation.js';

/**
 * computeKpis: every KPI of a period, depot-wide and per dimension. ONE statement reads the work
 * orders once into per-work-order facts (a materialised CTE) and aggregates them every way the
 * report needs (dimension groups, trend histograms, MTBF, the worst misses); each branch
 * returns (kind, key, a, b) so differently shaped results share one result set. Utilisation reads
 * the planned work separately (it intersects with shifts in code).
 */

const COLUMN: Record<KpiDimension, string> = {
  team: 'team_id',
  technician: 'assignee_id',
  type: 'type',
  location: 'location_id',
  asset: 'asset_id',
};
/** Location and asset rows beyond this many (by volume) are summed into one "Other" row. */
export const TOP_N = 50;
export const NONE_KEY = '(none)';
export const OTHER_KEY = '(other)';
const NONE_LABEL: Record<KpiDimension, string> = {
  team: 'No team',
  technician: 'Unassigned',
  type: 'No type',
  location: 'No location',
  asset: 'No asset',
};

function labels(db: Sqlite, orgId: string, d: KpiDimension): Map<string, string> {
  // Deleted teams, places and assets keep their names here: past work still counts under them.
  const sql: Record<KpiDimension, string | null> = {
    team: 'SELECT id, name FROM teams WHERE org_id = ?',
    technician: 'SELECT id, name FROM users WHERE org_id = ?',
    location: "SELECT id, code || ' ' || name AS name FROM locations WHERE org_id = ?",
    asset: "SELECT id, tag || ' ' || name AS name FROM assets WHERE org_id = ?",
    type: null,
  };
  const q = sql[d];
  if (!q) return new Map();
  return new Map((db.prepare(q).raw().all(orgId) as [string, string][]).map(([id, name]) => [id, name]));
}

const typeLabel = (t: string) => t.charAt(0).toUpperCase() + t.slice(1);
const utilRatio = (scheduledMin: number, shiftMin: number): Ratio => ratio(Math.round(scheduledMin), Math.round(shiftMin));

export function computeKpis(db: Sqlite, q: KpiQuery): KpiReport {
  if (!(q.to > q.from)) throw new RangeError('the period must end after it starts');
  const { where, params } = scope(q);
  const dims = Object.keys(COLUMN) as KpiDimension[];
  // One GROUP BY over every combination of the five dimensions (one sort instead of six); the
  // summary and each dimension are sums of these groups, added up below (every field is a sum or a max).
  const branches = [
    `SELECT 'combo', json_array(${dims.map((d) => COLUMN[d]).join(', ')}), ${AGGREGATES}, NULL FROM f GROUP BY ${dims.map((d) => COLUMN[d]).join(', ')}`,
    ...HISTOGRAM_BRANCHES,
    MTBF_BRANCH,
    `SELECT * FROM (${BREACHED_BRANCH})`,
  ];
  const rows = db
    .prepare(`WITH ${REJECTED_CTE}, ${HELD_CTE}, f AS MATERIALIZED (${factsSql(where)}) ${branches.join('\nUNION ALL ')}`)
    .raw()
    // Stepped, not .all(): the histogram branches alone are tens of thousands of rows, and holding
    // them as one array was most of a KPI build's heap (it runs beside a workbook's two sheets).
    .iterate(params) as IterableIterator<[string, string | number | null, string | number, number | null]>;

  const groups = Object.fromEntries(dims.map((d) => [d, new Map<string | null, Sums>()])) as Record<KpiDimension, Map<string | null, Sums>>;
  const hist = emptyHistogram();
  const misses: Miss[] = [];
  const failures: { assetId: string; n: number; first: number; last: number }[] = [];
  const all = emptySums();
  for (const [kind, key, a, b] of rows) {
    // Histogram rows carry plain numbers (there are tens of thousands of them); the rest carry JSON.
    if (kind.startsWith('h:')) {
      addHistogramRow(hist, kind, key as number | null, { n: a as number, m: b });
      continue;
    }
    const v = JSON.parse(a as string) as Record<string, number | null> & Partial<Sums>;
    if (kind === 'combo') {
      const sums = normalise(v);
      addSums(all, sums);
      const keys = JSON.parse(key as string) as (string | null)[];
      dims.forEach((d, i) => {
        const k = keys[i] ?? null;
        const into = groups[d].get(k);
        if (into) addSums(into, sums);
        else groups[d].set(k, addSums(emptySums(), sums));
      });
    } else if (kind === 'miss') misses.push({ id: key as string, ...(v as unknown as Omit<Miss, 'id'>) });
    else if (kind === 'mtbf') failures.push({ assetId: key as string, n: v.n!, first: v.first!, last: v.last! });
  }
  const util = utilisation(db, q);
  const byDimension = {} as Record<KpiDimension, KpiRow[]>;
  const names = Object.fromEntries(dims.map((d) => [d, labels(db, q.orgId, d)])) as Record<KpiDimension, Map<string, string>>;
  for (const d of dims)
    byDimension[d] = dimensionRows(
      d,
      [...groups[d]].map(([key, sums]) => ({ key, sums })),
      util,
      names[d],
    );
  return {
    query: q,
    generatedAt: q.now,
    summary: toSummary(all, utilRatio(util.scheduledTotal, shiftMinutesFor(util, 'type', null))),
    byDimension,
    mtbf: mtbfRows(failures, names.asset),
    daily: series(hist, q, 'day'),
    weekly: series(hist, q, 'week'),
    breached: breachedRows(db, q, misses),
    breachedTotal: misses[0]?.total ?? 0,
  };
}

function dimensionRows(
  d: KpiDimension,
  rows: { key: string | null; sums: Sums }[],
  util: Utilisation,
  names: Map<string, string>,
): KpiRow[] {
  const groups = rows.filter(
    (g) => volume(g.sums) + g.sums.cancelled + g.sums.resp_den + g.sums.resol_den > 0 || util.scheduled[d].has(g.key),
  );
  groups.sort((a, b) => volume(b.sums) - volume(a.sums) || String(a.key).localeCompare(String(b.key)));
  const capped = d === 'location' || d === 'asset';
  const kept = capped ? groups.slice(0, TOP_N) : groups;
  const out: KpiRow[] = kept.map((g) => ({
    dimension: d,
    key: g.key ?? NONE_KEY,
    label: g.key === null ? NONE_LABEL[d] : d === 'type' ? typeLabel(g.key) : (names.get(g.key) ?? g.key),
    ...toSummary(g.sums, utilRatio(util.scheduled[d].get(g.key) ?? 0, shiftMinutesFor(util, d, g.key))),
  }));
  if (capped && groups.length > TOP_N) {
    const rest = groups.slice(TOP_N);
    const sums = rest.reduce((acc, g) => addSums(acc, g.sums), emptySums());
    const scheduled = rest.reduce((acc, g) => acc + (util.scheduled[d].get(g.key) ?? 0), 0);
    out.push({
      dimension: d,
      key: OTHER_KEY,
      label: `Other (${rest.length})`,
      ...toSummary(sums, utilRatio(scheduled, shiftMinutesFor(util, d, null))),
    });
  }
  return out;
}
