import path from 'node:path';
import { createRequire } from 'node:module';

/**
 * Shared page furniture for every PDF the host makes: embedded DejaVu fonts (never pdfkit's
 * standard-14 AFM fonts, which depend on the viewer's substitutes and cannot show "€", "≥" or "ł"),
 * headings, tables that repeat their header across pages, and a "Page n of m" footer.
 */

const require = createRequire(import.meta.url);
// The package has no exports map, so its folder is found through its package.json.
const FONT_DIR = path.join(path.dirname(require.resolve('dejavu-fonts-ttf/package.json')), 'ttf');

export const FONT = { regular: 'DejaVu', bold: 'DejaVu-Bold', oblique: 'DejaVu-Oblique', mono: 'DejaVu-Mono' } as const;
export const INK = '#1f2933';
export const MUTED = '#616e7c';
export const RULE = '#cbd2d9';
export const ACCENT = '#2563eb';
export const MARGIN = 48;
/** Space kept free at the bottom of every page for the footer. */
const FOOTER_SPACE = 36;

export type Doc = PDFKit.PDFDocument;

/**
 * pdfkit is loaded on the first PDF, not at import: every report thread (the KPI pool, a workbook
 * and its Events sheet) loads this bundle, and pdfkit alone is ~13 MB of resident memory per thread.
 * A static import would be hoisted to the top of the bundle, so it is a require() here.
 */
let pdfkit: typeof import('pdfkit') | null = null;

export function createDoc(info: { title: string; subject?: string }): Doc {
  pdfkit ??= require('pdfkit') as typeof import('pdfkit');
  const doc = new pdfkit({
    size: 'A4',
    margins: { top: MARGIN, left: MARGIN, right: MARGIN, bottom: MARGIN + FOOTER_SPACE },
    // Pages stay in memory until the end so the footer can say "of m"; a KPI report is a few dozen pages.
    bufferPages: true,
    info: { Title: info.title, Subject: info.subject ?? info.title, Producer: 'DepotDesk', Creator: 'DepotDesk depot host' },
  });
  doc.registerFont(FONT.regular, path.join(FONT_DIR, 'DejaVuSans.ttf'));
  doc.registerFont(FONT.bold, path.join(FONT_DIR, 'DejaVuSans-Bold.ttf'));
  doc.registerFont(FONT.oblique, path.join(FONT_DIR, 'DejaVuSans-Oblique.ttf'));
  doc.registerFont(FONT.mono, path.join(FONT_DIR, 'DejaVuSansMono.ttf'));
  doc.font(FONT.regular).fontSize(10).fillColor(INK);
  return doc;
}

export const contentWidth = (doc: Doc) => doc.page.width - doc.page.margins.left - doc.page.margins.right;
export const bottomOf = (doc: Doc) => doc.page.height - doc.page.margins.bottom;

/** Starts a new page unless `height` points still fit on this one. */
export function ensureSpace(doc: Doc, height: number): void {
  if (doc.y + height > bottomOf(doc)) doc.addPage();
}

export function heading(doc: Doc, text: string, size = 14): void {
  ensureSpace(doc, size * 3);
  doc.moveDown(0.6);
  doc
    .font(FONT.bold)
    .fontSize(size)
    .fillColor(INK)
    .text(text, doc.page.margins.left, doc.y, { width: contentWidth(doc) });
  const y = doc.y + 2;
  doc
    .moveTo(doc.page.margins.left, y)
    .lineTo(doc.page.width - doc.page.margins.right, y)
    .lineWidth(0.5)
    .strokeColor(RULE)
    .stroke();
  doc.y = y + 6;
  doc.font(FONT.regular).fontSize(10).fillColor(INK);
}

/** "Label: value" lines in two columns. */
export function facts(doc: Doc, pairs: [string, string][], labelWidth = 120): void {
  const x = doc.page.margins.left;
  const w = contentWidth(doc);
  for (const [label, value] of pairs) {
    doc.fontSize(9.5);
    const h = Math.max(doc.heightOfString(value || '—', { width: w - labelWidth }), 12);
    ensureSpace(doc, h + 2);
    const y = doc.y;
    doc
      .font(FONT.bold)
      .fillColor(MUTED)
      .text(label, x, y, { width: labelWidth - 8 });
    doc
      .font(FONT.regular)
      .fillColor(INK)
      .text(value || '—', x + labelWidth, y, { width: w - labelWidth });
    doc.y = y + h + 2;
  }
  doc.fontSize(10);
}

export interface Column {
  header: string;
  /** Share of the content width (the shares are normalised). */
  weight: number;
  align?: 'left' | 'right' | 'center';
}

/** A table that breaks across pages, repeating its header row, with light zebra striping. */
export function table(doc: Doc, columns: Column[], rows: string[][], opts: { fontSize?: number; empty?: string } = {}): void {
  const size = opts.fontSize ?? 8.5;
  const x0 = doc.page.margins.left;
  const total = columns.reduce((s, c) => s + c.weight, 0);
  const widths = columns.map((c) => (c.weight / total) * contentWidth(doc));
  const pad = 3;
  const drawRow = (cells: string[], header: boolean, stripe: boolean) => {
    doc.font(header ? FONT.bold : FONT.regular).fontSize(size);
    const h = Math.max(...cells.map((c, i) => doc.heightOfString(c, { width: (widths[i] ?? 0) - 2 * pad }))) + 2 * pad;
    if (doc.y + h > bottomOf(doc)) {
      doc.addPage();
      if (!header)
        drawRow(
          columns.map((c) => c.header),
          true,
          false,
        );
    }
    const y = doc.y;
    if (header) doc.rect(x0, y, contentWidth(doc), h).fill('#e4e7eb');
    else if (stripe) doc.rect(x0, y, contentWidth(doc), h).fill('#f5f7fa');
    let x = x0;
    cells.forEach((c, i) => {
      const w = widths[i] ?? 0;
      doc
        .fillColor(INK)
        .font(header ? FONT.bold : FONT.regular)
        .fontSize(size)
        .text(c, x + pad, y + pad, { width: w - 2 * pad, align: columns[i]?.align ?? 'left' });
      x += w;
    });
    doc.y = y + h;
  };
  ensureSpace(doc, 40);
  drawRow(
    columns.map((c) => c.header),
    true,
    false,
  );
  if (rows.length === 0) {
    doc
      .font(FONT.oblique)
      .fontSize(size)
      .fillColor(MUTED)
      .text(opts.empty ?? 'Nothing to show.', x0 + pad, doc.y + pad);
    doc.moveDown(0.5);
  }
  rows.forEach((r, i) => drawRow(r, false, i % 2 === 1));
  doc.font(FONT.regular).fontSize(10).fillColor(INK);
  doc.x = x0;
  doc.moveDown(0.5);
}

/**
 * Writes "Page n of m" and the generation time on every buffered page, and under them, when given,
 * a second small line (the audit chain head). Call once, just before end().
 */
export function footers(doc: Doc, left: string, second?: string): void {
  const range = doc.bufferedPageRange();
  for (let i = range.start; i < range.start + range.count; i++) {
    doc.switchToPage(i);
    // Writing inside the bottom margin would make pdfkit start a new page: lift the margin meanwhile.
    const bottom = doc.page.margins.bottom;
    doc.page.margins.bottom = 0;
    const y = doc.page.height - MARGIN;
    const w = contentWidth(doc);
    doc
      .moveTo(doc.page.margins.left, y - 6)
      .lineTo(doc.page.margins.left + w, y - 6)
      .lineWidth(0.5)
      .strokeColor(RULE)
      .stroke();
    doc.font(FONT.regular).fontSize(8).fillColor(MUTED);
    const pageText = `Page ${i + 1 - range.start} of ${range.count}`;
    const pageW = doc.widthOfString(pageText) + 4;
    doc.text(left, doc.page.margins.left, y, { width: w - pageW - 12, lineBreak: false, ellipsis: true, height: 10 });
    doc.text(pageText, doc.page.margins.left + w - pageW, y, { width: pageW, align: 'right', lineBreak: false });
    if (second)
      doc
        .font(FONT.mono)
        .fontSize(6.5)
        .text(second, doc.page.margins.left, y + 11, { width: w, lineBreak: false, ellipsis: true, height: 9 });
    doc.page.margins.bottom = bottom;
  }
}
