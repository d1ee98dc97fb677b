import type { Writable } from 'node:stream';
import type { ChainHead } from '../../../db/audit-chain.js';
import type { KpiReport, KpiRow, TrendPoint } from '../kpi-types.js';
import { chart } from './charts.js';
import { chainHeadText, count, date, dayMonth, filtersText, hours, minutes, pct, stamp, whereOf, type Where } from './format.js';
import {
  ACCENT,
  contentWidth,
  createDoc,
  ensureSpace,
  facts,
  FONT,
  footers,
  heading,
  INK,
  MUTED,
  RULE,
  table,
  type Doc,
} from './layout.js';

export interface KpiPdfMeta {
  orgName: string;
  depotName: string | null;
  /** id → display name, for the filter line (team, technician, location, asset names). */
  names?: Record<string, string>;
  /** The org's audit chain head when the report was made (printed on the cover and every footer). */
  auditHead?: ChainHead | null;
}

export type Progress = (fraction: number, message: string) => void;

/** The breached-work list stops here in print; the workbook has all of them. */
export const MAX_BREACHED_ROWS = 400;

/**
 * The KPI report as a PDF: cover, summary tiles, trend charts, per-team/technician/type tables,
 * MTBF per asset and the breached work orders with their reasons. Every number comes from the one
 * KpiReport the API and the workbook also show.
 */
export function renderKpiPdf(report: KpiReport, meta: KpiPdfMeta, out: Writable, progress: Progress = () => {}): Promise<void> {
  const where = whereOf(report.query);
  const doc = createDoc({ title: `KPI report ${periodText(report)}`, subject: `${meta.orgName} KPI report` });
  const done = new Promise<void>((resolve, reject) => {
    out.on('finish', resolve);
    out.on('error', reject);
    doc.on('error', reject);
  });
  doc.pipe(out);

  cover(doc, report, meta);
  progress(0.1, 'summary');
  doc.addPage();
  heading(doc, 'KPI summary');
  tiles(doc, report);

  progress(0.3, 'charts');
  heading(doc, 'Trends');
  const dailyLabels = report.daily.map((p) => dayMonth(p.at, where));
  chart(doc, {
    title: 'Created and completed per day',
    kind: 'bar',
    labels: dailyLabels,
    series: [
      { label: 'Created', color: '#93c5fd', values: report.daily.map((p) => p.created) },
      { label: 'Completed', color: ACCENT, values: report.daily.map((p) => p.completed) },
    ],
  });
  chart(doc, {
    title: 'SLA resolution compliance per week (%)',
    kind: 'line',
    labels: report.weekly.map((p) => `wk ${dayMonth(p.at, where)}`),
    series: [{ label: 'Met on time', color: '#16a34a', values: report.weekly.map(slaPct) }],
    yMax: 100,
    yFormat: (v) => `${Math.round(v)} %`,
  });
  chart(doc, {
    title: 'Backlog (open work at the end of each day)',
    kind: 'line',
    labels: dailyLabels,
    series: [{ label: 'Backlog', color: '#dc2626', values: report.daily.map((p) => p.backlog) }],
  });

  progress(0.5, 'tables');
  dimensionTable(doc, 'Per team', report.byDimension.team, where);
  dimensionTable(doc, 'Per technician', report.byDimension.technician, where);
  dimensionTable(doc, 'Per work-order type', report.byDimension.type, where);
  heading(doc, 'Mean time between failures per asset');
  table(
    doc,
    [
      { header: 'Asset', weight: 5 },
      { header: 'Corrective work orders', weight: 2, align: 'right' },
      { header: 'MTBF', weight: 2, align: 'right' },
    ],
    [...report.mtbf]
      .sort((a, b) => b.failures - a.failures)
      .slice(0, 30)
      .map((m) => [m.label, count(m.failures, where), hours(m.mtbfH, where)]),
    { empty: 'No corrective work on assets in this period.' },
  );

  progress(0.75, 'breached work orders');
  // The KPI engine lists at most a few hundred misses (most late first) and counts them all.
  const total = Math.max(report.breachedTotal ?? 0, report.breached.length);
  heading(doc, `Breached work orders (${total})`);
  const shown = report.breached.slice(0, MAX_BREACHED_ROWS);
  table(
    doc,
    [
      { header: 'Number', weight: 1.75 },
      { header: 'Title', weight: 3 },
      { header: 'Team / technician', weight: 2.2 },
      { header: 'SLA', weight: 1.55 },
      { header: 'Due', weight: 2.1 },
      { header: 'Late by', weight: 1.7, align: 'right' },
      { header: 'Reasons', weight: 3.2 },
    ],
    shown.map((b) => [
      b.number,
      b.title,
      [b.teamName, b.assigneeName].filter(Boolean).join(' / ') || '—',
      b.kind,
      stamp(b.dueAt, where),
      minutes(b.lateByMin, where) + (b.metAt === null ? ' (open)' : ''),
      b.reasons.join('; ') || '—',
    ]),
    { fontSize: 7.5, empty: 'No SLA breaches in this period.' },
  );
  if (total > shown.length) {
    doc
      .font(FONT.oblique)
      .fontSize(9)
      .fillColor(MUTED)
      .text(`… and ${total - shown.length} more, the most late shown first.`);
  }

  progress(0.95, 'page numbers');
  const witness = meta.auditHead === undefined ? undefined : chainHeadText(meta.auditHead, where);
  footers(doc, `${meta.orgName} · KPI report ${periodText(report)} · generated ${stamp(report.generatedAt, where)}`, witness);
  doc.end();
  return done;
}

function periodText(r: KpiReport): string {
  // The period is half-open [from, to): the last day shown is the one before `to`.
  const where = whereOf(r.query);
  return `${date(r.query.from, where)} – ${date(r.query.to - 1, where)}`;
}

function slaPct(p: TrendPoint): number | null {
  return p.slaResolution.value === null ? null : p.slaResolution.value * 100;
}

function cover(doc: Doc, r: KpiReport, meta: KpiPdfMeta): void {
  const x = doc.page.margins.left;
  const w = contentWidth(doc);
  doc.rect(0, 0, doc.page.width, 8).fill(ACCENT);
  doc.y = 150;
  doc.font(FONT.regular).fontSize(12).fillColor(MUTED).text(meta.orgName, x, doc.y, { width: w });
  doc
    .font(FONT.bold)
    .fontSize(30)
    .fillColor(INK)
    .text('KPI report', x, doc.y + 4, { width: w });
  doc
    .font(FONT.regular)
    .fontSize(16)
    .fillColor(INK)
    .text(periodText(r), x, doc.y + 4, { width: w });
  doc.moveDown(2);
  facts(
    doc,
    [
      ['Depot', meta.depotName ?? 'All depots'],
      ['Period', `${stamp(r.query.from, whereOf(r.query))} to ${stamp(r.query.to, whereOf(r.query))} (end excluded)`],
      ['Filters', filtersText(r.query.filters, meta.names)],
      ['Time zone', r.query.zone],
      ['Generated', stamp(r.generatedAt, whereOf(r.query))],
      ...(meta.auditHead === undefined
        ? []
        : [['Audit trail', chainHeadText(meta.auditHead, whereOf(r.query)).replace(/^Audit chain: /, '')] as [string, string]]),
    ],
    100,
  );
}

function tiles(doc: Doc, r: KpiReport): void {
  const where = whereOf(r.query);
  const s = r.summary;
  const items: [string, string, string][] = [
    ['Created', count(s.created, where), 'work orders opened in the period'],
    ['Completed', count(s.completed, where), `${count(s.cancelled, where)} cancelled`],
    ['Backlog', count(s.backlog, where), `mean age ${hours(s.backlogAgeMeanH, where)}, max ${hours(s.backlogAgeMaxH, where)}`],
    ['Overdue', count(s.overdue, where), 'open past resolution due time'],
    [
      'On-time completion',
      pct(s.onTime, where),
      `${count(s.onTime.numerator, where)} / ${count(s.onTime.denominator, where)} by planned end`,
    ],
    [
      'SLA response met',
      pct(s.slaResponse, where),
      `${count(s.slaResponse.numerator, where)} / ${count(s.slaResponse.denominator, where)}`,
    ],
    [
      'SLA resolution met',
      pct(s.slaResolution, where),
      `${count(s.slaResolution.numerator, where)} / ${count(s.slaResolution.denominator, where)}, holds excluded`,
    ],
    [
      'First-time fix',
      pct(s.firstTimeFix, where),
      `${count(s.firstTimeFix.numerator, where)} / ${count(s.firstTimeFix.denominator, where)}`,
    ],
    ['Mean time to respond', hours(s.mttrRespondH, where), 'creation → on site'],
    ['Mean time to repair', hours(s.mttrRepairH, where), 'creation → completed, holds excluded'],
    ['Planned vs. actual', `${minutes(s.plannedMin, where)} / ${minutes(s.actualMin, where)}`, 'on completed work'],
    ['Crew utilisation', pct(s.utilisation, where), 'scheduled ÷ shift hours'],
  ];
  const cols = 3;
  const gap = 8;
  const w = (contentWidth(doc) - gap * (cols - 1)) / cols;
  const h = 58;
  for (let i = 0; i < items.length; i += cols) {
    ensureSpace(doc, h + gap);
    const y = doc.y;
    items.slice(i, i + cols).forEach(([label, value, detail], j) => {
      const x = doc.page.margins.left + j * (w + gap);
      doc.roundedRect(x, y, w, h, 4).lineWidth(0.6).strokeColor(RULE).stroke();
      doc
        .font(FONT.regular)
        .fontSize(8)
        .fillColor(MUTED)
        .text(label, x + 8, y + 7, { width: w - 16, lineBreak: false });
      // Long values ("70 h 00 min / 75 h 55 min") shrink to fit the tile instead of wrapping over the detail line.
      let size = 16;
      doc.font(FONT.bold).fontSize(size);
      while (size > 8 && doc.widthOfString(value) > w - 16) doc.fontSize((size -= 1));
      doc.fillColor(INK).text(value, x + 8, y + 19 + (16 - size) / 2, { width: w - 16, lineBreak: false });
      doc
        .font(FONT.regular)
        .fontSize(7)
        .fillColor(MUTED)
        .text(detail, x + 8, y + 41, { width: w - 16, lineBreak: false, ellipsis: true });
    });
    doc.y = y + h + gap;
  }
  doc.x = doc.page.margins.left;
}

function dimensionTable(doc: Doc, title: string, rows: KpiRow[], where: Where): void {
  heading(doc, title);
  table(
    doc,
    [
      { header: 'Name', weight: 2.6 },
      { header: 'Created', weight: 1.3, align: 'right' },
      { header: 'Done', weight: 1.1, align: 'right' },
      { header: 'Backlog', weight: 1.35, align: 'right' },
      { header: 'Overdue', weight: 1.35, align: 'right' },
      { header: 'On time', weight: 1.3, align: 'right' },
      { header: 'SLA resp', weight: 1.35, align: 'right' },
      { header: 'SLA res', weight: 1.3, align: 'right' },
      { header: 'MTTR', weight: 1.2, align: 'right' },
      { header: 'First fix', weight: 1.3, align: 'right' },
      { header: 'Util.', weight: 1.2, align: 'right' },
    ],
    rows.map((k) => [
      k.label,
      count(k.created, where),
      count(k.completed, where),
      count(k.backlog, where),
      count(k.overdue, where),
      pct(k.onTime, where),
      pct(k.slaResponse, where),
      pct(k.slaResolution, where),
      hours(k.mttrRepairH, where),
      pct(k.firstTimeFix, where),
      pct(k.utilisation, where),
    ]),
    { fontSize: 7.5, empty: 'No work in this period.' },
  );
}
