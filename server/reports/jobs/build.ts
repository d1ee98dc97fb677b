import fs from 'node:fs';
import path from 'node:path';
import type { Sqlite } from '../../../db/client.js';
import { writeWorkbook } from '../excel/workbook.js';
import { eventsSheetThread } from './events-thread.js';
import { scopeWhere } from '../excel/rows.js';
import { computeKpis } from '../kpi/index.js';
import type { KpiFilters, KpiQuery } from '../kpi-types.js';
import { chainHead } from '../../../db/audit-chain.js';
import { chainHeadText, date, stamp } from '../pdf/format.js';
import { loadJobcard, type JobcardData } from '../pdf/jobcard-data.js';
import { renderJobcards } from '../pdf/jobcard.js';
import { renderKpiPdf } from '../pdf/kpi-report.js';
import { localeFor, placeFor, zoneFor } from '../zone.js';
import type { ReportKind } from '../../../db/schema/reports.js';

/**
 * Builds one report file from a database connection. Runs inside the report worker (its own
 * read-only connection, off the host's event loop) and in the bench; never on the request path.
 */

export interface BuildSpec {
  kind: ReportKind;
  orgId: string;
  /** Half-open period [from, to) in epoch ms; defaults: the last 30 days up to `now`. */
  from?: number | undefined;
  to?: number | undefined;
  filters: KpiFilters;
  workOrderId?: string | undefined;
  now: number;
}

export type Progress = (fraction: number, message: string) => void;

/** A batch of jobcards stops here: each card is a page or two held until the footers are written. */
export const MAX_BATCH_JOBCARDS = 200;
const DAY = 86_400_000;

export const EXTENSION: Record<ReportKind, string> = { 'kpi-pdf': 'pdf', workbook: 'xlsx', jobcard: 'pdf' };

/** Names for the ids in a filter set, for cover pages ("Team: North crew" instead of a UUID). */
function filterNames(sqlite: Sqlite, orgId: string, f: KpiFilters): Record<string, string> {
  const names: Record<string, string> = {};
  // No deleted_at filter: a report filtered by a team or place deleted since still names it.
  const look = (sql: string, id: string | undefined) => {
    if (!id) return;
    const name = sqlite.prepare(sql).pluck().get(id, orgId) as string | undefined;
    if (name) names[id] = name;
  };
  look('SELECT name FROM depots WHERE id = ? AND org_id = ?', f.depotId);
  look('SELECT name FROM teams WHERE id = ? AND org_id = ?', f.teamId);
  look('SELECT name FROM users WHERE id = ? AND org_id = ?', f.assigneeId);
  look("SELECT code || ' ' || name FROM locations WHERE id = ? AND org_id = ?", f.locationId);
  look("SELECT tag || ' ' || name FROM assets WHERE id = ? AND org_id = ?", f.assetId);
  return names;
}

export function kpiQuery(sqlite: Sqlite, spec: BuildSpec): KpiQuery {
  const to = spec.to ?? spec.now;
  return {
    orgId: spec.orgId,
    from: spec.from ?? to - 30 * DAY,
    to,
    filters: spec.filters,
    zone: zoneFor(sqlite, spec.orgId, spec.filters.depotId),
    locale: localeFor(sqlite, spec.orgId, spec.filters.depotId),
    now: spec.now,
  };
}

/** Writes the report to `file` (the caller renames it into place when this resolves). */
export async function buildReport(
  sqlite: Sqlite,
  dataDir: string,
  spec: BuildSpec,
  file: string,
  progress: Progress,
): Promise<{ sizeBytes: number }> {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const orgName = (sqlite.prepare('SELECT name FROM organizations WHERE id = ?').pluck().get(spec.orgId) as string | undefined) ?? '';
  if (spec.kind === 'jobcard') {
    await buildJobcards(sqlite, dataDir, spec, file, orgName, progress);
  } else {
    const q = kpiQuery(sqlite, spec);
    if (spec.kind === 'kpi-pdf') {
      progress(0.02, 'computing KPIs');
      const report = computeKpis(sqlite, q);
      const names = filterNames(sqlite, spec.orgId, spec.filters);
      const depotName = spec.filters.depotId ? (names[spec.filters.depotId] ?? null) : null;
      await renderKpiPdf(
        report,
        { orgName, depotName, names, auditHead: chainHead(sqlite, spec.orgId) },
        fs.createWriteStream(file),
        (f, m) => progress(0.2 + f * 0.8, m),
      );
    } else {
      const scope = { orgId: spec.orgId, from: q.from, to: q.to, filters: spec.filters };
      await writeWorkbook(
        file,
        // The KPIs are computed once, after the Work orders sheet, while the Events sheet is being built on its own thread.
        {
          sqlite,
          scope,
          zone: q.zone,
          locale: q.locale,
          now: spec.now,
          report: () => computeKpis(sqlite, q),
          events: eventsSheetThread(sqlite.name, scope, q.zone),
        },
        progress,
      );
    }
  }
  progress(1, 'done');
  return { sizeBytes: fs.statSync(file).size };
}

async function buildJobcards(sqlite: Sqlite, dataDir: string, spec: BuildSpec, file: string, orgName: string, progress: Progress) {
  let ids: string[];
  if (spec.workOrderId) ids = [spec.workOrderId];
  else {
    const where = scopeWhere({ orgId: spec.orgId, from: spec.from, to: spec.to, filters: spec.filters });
    ids = sqlite
      .prepare(`SELECT w.id FROM work_orders w WHERE ${where.sql} ORDER BY w.created_at, w.id LIMIT ${MAX_BATCH_JOBCARDS}`)
      .pluck()
      .all(...where.args) as string[];
  }
  const where = placeFor(sqlite, spec.orgId, spec.filters.depotId);
  function* cards(): Generator<JobcardData> {
    for (const id of ids) {
      const card = loadJobcard(sqlite, dataDir, spec.orgId, id);
      if (card) yield card;
    }
  }
  const footer = `${orgName} · ${spec.workOrderId ? 'Jobcard' : `Jobcards ${spec.from ? date(spec.from, where) : ''}–${spec.to ? date(spec.to - 1, where) : ''}`} · generated ${stamp(spec.now, where)}`;
  const witness = chainHeadText(chainHead(sqlite, spec.orgId), where);
  await renderJobcards(cards(), fs.createWriteStream(file), { now: spec.now, witness }, footer, (n) =>
    progress(n / Math.max(ids.length, 1), `jobcard ${n} / ${ids.length}`),
  );
}
