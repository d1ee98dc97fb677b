import { contentWidth, ensureSpace, FONT, INK, MUTED, RULE, type Doc } from './layout.js';

/** Charts as vector paths (they stay sharp when printed or zoomed), drawn straight with pdfkit. */

export interface Series {
  label: string;
  color: string;
  /** One value per label; null leaves a gap (e.g. no SLA-relevant work that week). */
  values: (number | null)[];
}

export interface ChartSpec {
  title: string;
  kind: 'line' | 'bar';
  labels: string[];
  series: Series[];
  height?: number;
  /** Fixed top of the y axis (e.g. 100 for percentages); else the data's maximum, rounded up. */
  yMax?: number;
  yFormat?: (v: number) => string;
}

/** 1, 2 or 5 × 10^n at or above `v`: axis steps people can read. */
function niceCeil(v: number): number {
  if (v <= 0) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 5, 10]) if (m * p >= v) return m * p;
  return 10 * p;
}

export function chart(doc: Doc, spec: ChartSpec): void {
  const height = spec.height ?? 170;
  ensureSpace(doc, height + 40);
  const left = doc.page.margins.left;
  const width = contentWidth(doc);
  const top = doc.y;
  doc.font(FONT.bold).fontSize(10).fillColor(INK).text(spec.title, left, top, { width });
  const plotX = left + 36;
  const plotY = top + 18;
  const plotW = width - 40;
  const plotH = height - 46;
  const all = spec.series.flatMap((s) => s.values).filter((v): v is number => v !== null && Number.isFinite(v));
  // Four gridline steps of a readable size (0, 2, 4, 6, 8), so the axis labels are whole numbers.
  const yMax = spec.yMax ?? niceCeil(Math.max(1, ...all) / 4) * 4;
  const fmt = spec.yFormat ?? ((v: number) => String(Math.round(v)));
  const yOf = (v: number) => plotY + plotH - (Math.min(v, yMax) / yMax) * plotH;

  doc.font(FONT.regular).fontSize(7).fillColor(MUTED);
  for (let i = 0; i <= 4; i++) {
    const v = (yMax * i) / 4;
    const y = yOf(v);
    doc
      .moveTo(plotX, y)
      .lineTo(plotX + plotW, y)
      .lineWidth(i === 0 ? 0.8 : 0.3)
      .strokeColor(i === 0 ? MUTED : RULE)
      .stroke();
    doc.text(fmt(v), left, y - 3.5, { width: 32, align: 'right', lineBreak: false });
  }

  const n = Math.max(spec.labels.length, 1);
  const slot = plotW / n;
  const every = Math.max(1, Math.ceil(n / 10));
  spec.labels.forEach((label, i) => {
    if (i % every !== 0) return;
    doc.fillColor(MUTED).text(label, plotX + i * slot + slot / 2 - 30, plotY + plotH + 4, { width: 60, align: 'center', lineBreak: false });
  });

  if (spec.kind === 'bar') {
    const groupW = slot * 0.8;
    const barW = groupW / Math.max(spec.series.length, 1);
    spec.series.forEach((s, si) => {
      s.values.forEach((v, i) => {
        if (v === null || v <= 0) return;
        const x = plotX + i * slot + (slot - groupW) / 2 + si * barW;
        const y = yOf(v);
        doc.rect(x, y, Math.max(barW - 0.5, 0.5), plotY + plotH - y).fill(s.color);
      });
    });
  } else {
    for (const s of spec.series) {
      let drawing = false;
      s.values.forEach((v, i) => {
        const x = plotX + i * slot + slot / 2;
        if (v === null) {
          drawing = false;
          return;
        }
        if (drawing) doc.lineTo(x, yOf(v));
        else doc.moveTo(x, yOf(v));
        drawing = true;
      });
      doc.lineWidth(1.4).strokeColor(s.color).stroke();
      if (n <= 40) {
        s.values.forEach((v, i) => {
          if (v !== null) doc.circle(plotX + i * slot + slot / 2, yOf(v), 1.6).fill(s.color);
        });
      }
    }
  }

  let lx = plotX;
  const ly = plotY + plotH + 16;
  doc.fontSize(8);
  for (const s of spec.series) {
    doc.rect(lx, ly + 1, 8, 8).fill(s.color);
    doc.fillColor(INK).text(s.label, lx + 11, ly, { lineBreak: false });
    lx += 11 + doc.widthOfString(s.label) + 14;
  }
  doc.x = left;
  doc.y = top + height;
  doc.fontSize(10).fillColor(INK);
}
