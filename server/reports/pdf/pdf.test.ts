import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHost, type TestHost } from '../../testing/harness.js';
import { flatJpeg, png, upload } from '../../attachments/test-helpers.js';
import { move, seedWorld, workOrderAt, type World } from '../../work-orders/fixtures.js';
import { sampleReport } from '../fixtures.js';
import { renderKpiPdf } from './kpi-report.js';

/** PDFs are checked as a reader sees them: text via pdftotext, fonts via pdffonts, pages as PNGs (kept in PDF_PNG_DIR to look at). */
const OUT = process.env.PDF_PNG_DIR ?? fs.mkdtempSync(path.join(os.tmpdir(), 'depotdesk-pdf-'));
const text = (file: string) => execFileSync('pdftotext', ['-layout', file, '-']).toString();

describe('KPI report PDF', () => {
  it('when rendered from a KPI report, then cover, summary, charts, tables, breaches and page numbers are all there in embedded DejaVu', async () => {
    const file = path.join(OUT, 'kpi.pdf');
    const auditHead = { seq: 12_345, hash: `3f9a1c2b7d0e4a51${'0'.repeat(48)}`, at: Date.parse('2026-11-01T00:30:00Z') };
    await renderKpiPdf(
      sampleReport({ breached: 450 }),
      { orgName: 'Riverside Public Works', depotName: 'Main depot', names: { 'team-n': 'North crew' }, auditHead },
      fs.createWriteStream(file),
    );
    const t = text(file);
    for (const s of [
      'KPI report',
      // An en-GB depot (Europe/London's default): its days and times, its way (issue 17, 6).
      '1 Oct 2026 – 31 Oct 2026',
      'Team: North crew',
      'KPI summary',
      '81.1 %',
      '30 / 37 by planned end',
      'Created and completed per day',
      'SLA resolution compliance per week',
      'Backlog (open work',
      'Per team',
      'South crew — Łódź',
      'Per technician',
      'Sam Øster',
      'Breached work orders (450)',
      'WO-000100',
      'On hold:',
      '… and 50 more, the most late shown first',
      'generated 1 Nov 2026, 01:00 GMT',
    ])
      expect(t).toContain(s);
    const pages = Number(/Pages:\s+(\d+)/.exec(execFileSync('pdfinfo', [file]).toString())![1]);
    expect(t).toContain(`Page 1 of ${pages}`);
    expect(t).toContain(`Page ${pages} of ${pages}`);
    // The audit chain head witnesses the history on paper: on the cover and in every page's footer.
    const witness = 'Audit chain: 12,345 rows · head 3f9a1c2b7d0e4a51 · 1 Nov 2026, 00:30 GMT';
    expect(t.split(witness).length - 1).toBe(pages);
    expect(t).toContain('12,345 rows · head 3f9a1c2b7d0e4a51 · 1 Nov 2026, 00:30 GMT');
    const fonts = execFileSync('pdffonts', [file]).toString().split('\n').slice(2).filter(Boolean);
    expect(fonts.length).toBeGreaterThan(0);
    for (const f of fonts) expect(f).toMatch(/DejaVu.*\byes\s+yes\s+yes/);
    execFileSync('pdftoppm', ['-png', '-r', '80', '-f', '1', '-l', '3', file, path.join(OUT, 'kpi')]);
    expect(fs.readdirSync(OUT).filter((f) => f.startsWith('kpi-') && f.endsWith('.png'))).toHaveLength(3);
  });

  it('when the depot reads de-DE or en-US, then the same report prints its dates and numbers that way', async () => {
    const read = async (locale: string) => {
      const report = sampleReport({ breached: 3 });
      const file = path.join(OUT, `kpi-${locale}.pdf`);
      await renderKpiPdf(
        { ...report, query: { ...report.query, locale } },
        { orgName: 'Riverside', depotName: null },
        fs.createWriteStream(file),
      );
      return text(file);
    };
    const de = await read('de-DE');
    expect(de).toContain('1. Okt. 2026 – 31. Okt. 2026');
    expect(de).toContain('81,1 %');
    expect(de).toContain('generated 1. Nov. 2026, 01:00 GMT');
    const us = await read('en-US');
    expect(us).toContain('Oct 1, 2026 – Oct 31, 2026');
    expect(us).toContain('generated Nov 1, 2026, 01:00 AM GMT');
  });
});

let t: TestHost;
let world: World;
beforeAll(async () => {
  t = await startTestHost({ now: '2026-11-20T12:00:00Z' });
  world = await seedWorld(t);
});
afterAll(() => t.close());

describe('jobcard PDF', () => {
  it('when a job is done with answers, photos, a signature, materials and approval, then its jobcard shows them all', async () => {
    const wo = workOrderAt(world, 'ON_SITE', {
      templateId: world.template,
      title: 'Pump service at L1',
      locationId: world.loc1,
      assetId: world.asset,
    });
    const tok = world.tokens.tech1;
    for (const [item, value] of [
      ['isolated', true],
      ['pressure', 4.5],
      ['remarks', 'Bearing noise, replaced gasket'],
    ] as const) {
      expect((await t.api('PUT', `/api/v1/work-orders/${wo.id}/checklist/${item}`, { token: tok, body: { value } })).status).toBe(200);
    }
    for (const colour of [
      { r: 200, g: 80, b: 80 },
      { r: 80, g: 80, b: 200 },
    ]) {
      expect((await upload(t, tok, wo.id, await flatJpeg(800, 600, colour), { kind: 'photo', fileName: 'site.jpg' })).status).toBe(201);
    }
    expect(
      (await upload(t, tok, wo.id, await png(300, 120), { kind: 'signature', fileName: 'sig.png', signerName: 'Mrs Þóra Customer' }))
        .status,
    ).toBe(201);
    expect(
      (
        await t.api('POST', `/api/v1/work-orders/${wo.id}/materials`, {
          token: tok,
          body: { itemId: world.item, depotId: world.depot, quantity: 2 },
        })
      ).status,
    ).toBe(201);
    t.clock.set('2026-11-20T13:30:00Z');
    expect((await move(t, tok, wo.id, 'COMPLETED')).status).toBe(200);
    expect(
      (await t.api('POST', `/api/v1/work-orders/${wo.id}/closure`, { token: world.tokens.supervisor, body: { decision: 'approved' } }))
        .status,
    ).toBe(200);

    const res = await fetch(`${t.url}/api/v1/work-orders/${wo.id}/jobcard.pdf`, {
      headers: { authorization: `Bearer ${world.tokens.dispatcher}` },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toContain(`jobcard-${wo.number}.pdf`);
    const file = path.join(OUT, 'jobcard.pdf');
    fs.writeFileSync(file, Buffer.from(await res.arrayBuffer()));
    const s = text(file);
    for (const x of [
      wo.number,
      'Pump service at L1',
      'Closed',
      'Site L1',
      'PUMP-1',
      'Power isolated',
      'Yes',
      '4.5 bar',
      'Bearing noise',
      'GASKET-50',
      '2 pcs',
      'Photos (2)',
      'Signed by Mrs Þóra Customer',
      'approved',
      'On site → Completed',
      '1 h 30 min (arrival to completion, holds excluded)',
      'Page 1 of',
    ])
      expect(s).toContain(x);
    // Its footer carries the same chain head the verify endpoint reports.
    const verified = await t.api('GET', '/api/v1/audit/verify', { token: world.tokens.admin });
    expect(verified.body.ok).toBe(true);
    expect(s).toContain(
      `Audit chain: ${verified.body.head.seq.toLocaleString('en-GB')} rows · head ${verified.body.head.hash.slice(0, 16)}`,
    );
    const images = execFileSync('pdfimages', ['-list', file]).toString().split('\n').slice(2).filter(Boolean);
    expect(images.length).toBeGreaterThanOrEqual(3);
    execFileSync('pdftoppm', ['-png', '-r', '80', file, path.join(OUT, 'jobcard')]);

    // Technician scope: tech2 (team Bravo) may not see tech1's work order at all.
    expect(
      (await fetch(`${t.url}/api/v1/work-orders/${wo.id}/jobcard.pdf`, { headers: { authorization: `Bearer ${world.tokens.tech2}` } }))
        .status,
    ).toBe(404);
    const other = await seedWorld(t, 'Elsewhere');
    expect(
      (await fetch(`${t.url}/api/v1/work-orders/${wo.id}/jobcard.pdf`, { headers: { authorization: `Bearer ${other.tokens.admin}` } }))
        .status,
    ).toBe(404);
  });
});
