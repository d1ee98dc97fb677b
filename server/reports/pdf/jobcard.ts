import type { Writable } from 'node:stream';
import { slaState } from '../../sla/engine.js';
import { minutes, stamp, whereOf } from './format.js';
import { type JobcardData, timeOnSiteMin } from './jobcard-data.js';
import { ACCENT, contentWidth, createDoc, ensureSpace, facts, FONT, footers, heading, INK, MUTED, table, type Doc } from './layout.js';
import { describeEvent, isPublicEvent, statusLabel } from './timeline.js';

/**
 * The jobcard of one work order (what the crew did, for the customer's file and the depot's):
 * header, place and asset, timeline, checklist, photos, signature, closure approval, materials and
 * time on site. `forCustomer` leaves out internal notes, the message thread and other office events.
 */

export interface JobcardOptions {
  now: number;
  forCustomer?: boolean;
  /** Second footer line: the org's audit chain head when the card was made (format.ts chainHeadText). */
  witness?: string;
}

const answerText = (kind: string, v: unknown, unit?: string): string => {
  if (v === undefined || v === null) return '— not answered';
  if (kind === 'yesno' || typeof v === 'boolean') return v ? 'Yes' : 'No';
  return `${String(v)}${unit ? ` ${unit}` : ''}`;
};

/** Appends one jobcard to `doc`, starting on a fresh page unless it is the document's first. */
export function drawJobcard(doc: Doc, d: JobcardData, opts: JobcardOptions, first: boolean): void {
  if (!first) doc.addPage();
  const { wo } = d;
  const zone = wo.zone;
  const where = whereOf(wo);
  const x = doc.page.margins.left;
  const w = contentWidth(doc);
  doc.rect(0, 0, doc.page.width, 6).fill(ACCENT);
  doc
    .font(FONT.regular)
    .fontSize(9)
    .fillColor(MUTED)
    .text(`${d.orgName}${wo.depot ? ` · ${wo.depot}` : ''} · Jobcard`, x, doc.page.margins.top - 18, { width: w });
  doc.font(FONT.bold).fontSize(20).fillColor(INK).text(`${wo.number}  ${wo.title}`, x, doc.page.margins.top, { width: w });
  doc.moveDown(0.3);
  const sla = slaState(wo as Parameters<typeof slaState>[0], opts.now);
  facts(doc, [
    ['Status', `${statusLabel(wo.status)}${wo.holdReason && wo.status === 'ON_HOLD' ? ` (${wo.holdReason})` : ''}`],
    ['Priority / type', `${wo.priority} · ${wo.type}`],
    ['SLA', `${sla ?? 'none'} · respond by ${stamp(wo.responseDueAt, where)} · resolve by ${stamp(wo.resolutionDueAt, where)}`],
    ['Created', stamp(wo.createdAt, where)],
    [
      'Planned',
      wo.plannedStart
        ? `${stamp(wo.plannedStart, where)} → ${stamp(wo.plannedEnd, where)} (${minutes(wo.durationMin, where)})`
        : `not planned (${minutes(wo.durationMin, where)})`,
    ],
    ...(opts.forCustomer ? [] : [['Team / technician', [wo.team, wo.assignee].filter(Boolean).join(' / ') || '—'] as [string, string]]),
  ]);
  if (wo.description) {
    doc.moveDown(0.3);
    doc.font(FONT.regular).fontSize(9.5).fillColor(INK).text(wo.description, x, doc.y, { width: w });
  }

  heading(doc, 'Location and asset', 12);
  facts(doc, [
    ['Location', [wo.locationCode, wo.location].filter(Boolean).join(' ') || '—'],
    ['Address', wo.address ?? '—'],
    ['Coordinates', wo.lat !== null && wo.lon !== null ? `${wo.lat.toFixed(5)}, ${wo.lon.toFixed(5)}` : '—'],
    ['Asset', [wo.assetTag, wo.asset].filter(Boolean).join(' ') || '—'],
  ]);

  heading(doc, 'Time on site', 12);
  const onSite = timeOnSiteMin(d.events, opts.now);
  const checks = d.attendance.map(
    (a) =>
      `${a.kind === 'check_in' ? 'in' : 'out'} ${stamp(a.at, where)}${opts.forCustomer ? '' : ` ${a.user ?? ''}`}${a.fence === 'outside' ? ' (outside fence)' : ''}`,
  );
  facts(doc, [
    ['On site', onSite === null ? 'not on site yet' : `${minutes(onSite, where)} (arrival to completion, holds excluded)`],
    ['Arrived', stamp(wo.respondedAt, where)],
    ['Completed', stamp(wo.completedAt, where)],
    ['Check-in / out', checks.join(' · ') || '—'],
  ]);

  heading(doc, 'Timeline', 12);
  const events = opts.forCustomer ? d.events.filter(isPublicEvent) : d.events;
  table(
    doc,
    opts.forCustomer
      ? [
          { header: `Time (${zone})`, weight: 2 },
          { header: 'What happened', weight: 6 },
        ]
      : [
          { header: `Time (${zone})`, weight: 2 },
          { header: 'What happened', weight: 5 },
          { header: 'By', weight: 1.8 },
        ],
    events.map((e) => {
      const row = [stamp(e.at, where), describeEvent(e, { forCustomer: opts.forCustomer === true })];
      return opts.forCustomer ? row : [...row, e.actor ?? 'system'];
    }),
    { empty: 'No events yet.' },
  );

  heading(doc, 'Checklist', 12);
  table(
    doc,
    [
      { header: 'Item', weight: 3.4 },
      { header: 'Answer', weight: 2 },
      { header: 'Note', weight: 2.4 },
      { header: 'Answered', weight: 2.9 },
    ],
    d.checklist.map((c) => [
      c.label,
      answerText(c.kind, c.answer, c.unit),
      c.note ?? '',
      c.at ? `${stamp(c.at, where)}${opts.forCustomer || !c.by ? '' : `\n${c.by}`}` : '',
    ]),
    { empty: 'This work order has no checklist.' },
  );

  heading(doc, 'Materials used', 12);
  table(
    doc,
    [
      { header: 'SKU', weight: 1.5 },
      { header: 'Item', weight: 4 },
      { header: 'Quantity', weight: 1.5, align: 'right' },
      { header: 'Used', weight: 2.2 },
    ],
    d.materials.map((m) => [m.sku, m.name, `${m.quantity} ${m.unit}`, stamp(m.at, where)]),
    { empty: 'No materials recorded.' },
  );

  photos(doc, d);

  heading(doc, 'Customer signature and approval', 12);
  if (d.signature) {
    ensureSpace(doc, 110);
    const y = doc.y;
    try {
      doc.image(d.signature.file, x, y, { fit: [220, 80] });
    } catch {
      doc.font(FONT.oblique).fontSize(9).fillColor(MUTED).text('(signature image could not be read)', x, y);
    }
    doc.y = y + 84;
    doc
      .font(FONT.regular)
      .fontSize(9.5)
      .fillColor(INK)
      .text(`Signed by ${d.signature.signer ?? '(name not given)'} · ${stamp(d.signature.at, where)}`, x, doc.y, { width: w });
  } else {
    doc.font(FONT.oblique).fontSize(9.5).fillColor(MUTED).text('No customer signature.', x, doc.y, { width: w });
  }
  doc.moveDown(0.5);
  const last = d.approvals.at(-1);
  facts(doc, [
    [
      'Closure approval',
      last
        ? last.decision === 'pending'
          ? `requested ${stamp(last.requestedAt, where)}, awaiting a supervisor`
          : `${last.decision} ${stamp(last.decidedAt, where)}${opts.forCustomer ? '' : ` by ${last.decidedBy ?? '—'}`}${last.comment ? ` — “${last.comment}”` : ''}`
        : 'not requested yet',
    ],
  ]);
}

function photos(doc: Doc, d: JobcardData): void {
  heading(doc, `Photos (${d.photos.length})`, 12);
  if (d.photos.length === 0) {
    doc.font(FONT.oblique).fontSize(9.5).fillColor(MUTED).text('No photos.', doc.page.margins.left, doc.y);
    return;
  }
  const cols = 3;
  const gap = 10;
  const cellW = (contentWidth(doc) - gap * (cols - 1)) / cols;
  const cellH = cellW * 0.75;
  for (let i = 0; i < d.photos.length; i += cols) {
    ensureSpace(doc, cellH + 22);
    const y = doc.y;
    d.photos.slice(i, i + cols).forEach((p, j) => {
      const px = doc.page.margins.left + j * (cellW + gap);
      try {
        doc.image(p.file, px, y, { fit: [cellW, cellH], align: 'center', valign: 'center' });
      } catch {
        doc
          .font(FONT.oblique)
          .fontSize(8)
          .fillColor(MUTED)
          .text('(image could not be read)', px, y + cellH / 2, { width: cellW, align: 'center' });
      }
      doc
        .font(FONT.regular)
        .fontSize(7.5)
        .fillColor(MUTED)
        .text(p.caption, px, y + cellH + 3, { width: cellW, align: 'center', lineBreak: false, ellipsis: true });
    });
    doc.y = y + cellH + 18;
  }
  doc.x = doc.page.margins.left;
  doc.fillColor(INK);
}

/** One or more jobcards as one PDF, streamed to `out`. */
export function renderJobcards(
  cards: Iterable<JobcardData>,
  out: Writable,
  opts: JobcardOptions,
  footerText: string,
  progress: (n: number) => void = () => {},
): Promise<void> {
  const doc = createDoc({ title: 'Jobcard' });
  const done = new Promise<void>((resolve, reject) => {
    out.on('finish', resolve);
    out.on('error', reject);
    doc.on('error', reject);
  });
  doc.pipe(out);
  let n = 0;
  for (const card of cards) {
    drawJobcard(doc, card, opts, n === 0);
    progress(++n);
  }
  if (n === 0) doc.font(FONT.regular).fontSize(12).text('No work orders match.');
  footers(doc, footerText, opts.witness);
  doc.end();
  return done;
}
