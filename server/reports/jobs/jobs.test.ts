import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHost, type TestHost } from '../../testing/harness.js';
import { seedWorld, workOrderAt, type World } from '../../work-orders/fixtures.js';
import { bulkWorkOrders, settled } from '../test-data.js';
import { reportsDir } from './manager.js';

let t: TestHost;
let world: World;

beforeAll(async () => {
  t = await startTestHost({ now: '2026-11-20T12:00:00Z' });
  world = await seedWorld(t);
  workOrderAt(world, 'CLOSED');
  workOrderAt(world, 'ON_HOLD');
  workOrderAt(world, 'DISPATCHED', { title: 'Ünïcode ≥ check € Łódź' });
});
afterAll(async () => {
  await t.services.reportJobs.close();
  await t.close();
});

const post = (body: Record<string, unknown>, token = world.tokens.dispatcher) =>
  t.api<{ id: string }>('POST', '/api/v1/reports/jobs', { token, body });

async function download(id: string): Promise<Buffer> {
  const res = await fetch(`${t.url}/api/v1/reports/jobs/${id}/file`, { headers: { authorization: `Bearer ${world.tokens.dispatcher}` } });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename\*=UTF-8''/);
  return Buffer.from(await res.arrayBuffer());
}

describe('report jobs', () => {
  it('when a KPI PDF job is posted, then a worker builds it, progress goes out on the bus and the file downloads with DejaVu embedded', async () => {
    const seen: number[] = [];
    const off = t.host.bus.subscribe((m) => {
      if (m.type === 'report_job') seen.push((m.data as unknown as { progress: number }).progress);
    });
    const res = await post({ kind: 'kpi-pdf', from: '2026-11-01T00:00:00Z', to: '2026-11-21T00:00:00Z' });
    expect(res.status).toBe(202);
    expect(res.headers.get('location')).toBe(`/api/v1/reports/jobs/${res.body.id}`);
    const job = await settled(t, world.orgId, res.body.id);
    off();
    expect(job).toMatchObject({ state: 'done', kind: 'kpi-pdf', progress: 1 });
    expect(job.fileName).toMatch(/^kpi-pdf-2026-11-20-[0-9a-f]{8}\.pdf$/);
    expect(seen.length).toBeGreaterThanOrEqual(2);
    const polled = await t.api('GET', `/api/v1/reports/jobs/${res.body.id}`, { token: world.tokens.dispatcher });
    expect(polled.body).toMatchObject({ id: res.body.id, state: 'done', finishedAt: '2026-11-20T12:00:00.000Z' });

    const file = path.join(t.dataDir, 'out.pdf');
    fs.writeFileSync(file, await download(res.body.id));
    const text = execFileSync('pdftotext', ['-layout', file, '-']).toString();
    expect(text).toContain('KPI report');
    expect(text).toContain('1 Nov 2026 – 20 Nov 2026'); // the depot's locale: a UTC org reads en-GB
    expect(text).toMatch(/Page 1 of \d+/);
    const fonts = execFileSync('pdffonts', [file]).toString();
    expect(fonts).toMatch(/DejaVuSans\s.*yes/);
    expect(fonts).not.toMatch(/Helvetica/);
  });

  it('when a workbook job finishes, then the file reads back with real dates, numbers, filters and frozen panes', async () => {
    const res = await post({ kind: 'workbook', from: '2026-11-01T00:00:00Z', to: '2026-11-21T00:00:00Z' });
    const job = await settled(t, world.orgId, res.body.id);
    expect(job.state).toBe('done');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await download(res.body.id)) as unknown as ArrayBuffer);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['Work orders', 'Events', 'KPIs', 'SLA breaches']);
    const ws = wb.getWorksheet('Work orders')!;
    expect(ws.getRow(1).getCell(1).value).toBe('Number');
    expect(ws.autoFilter).toBeTruthy();
    expect(ws.views[0]).toMatchObject({ state: 'frozen', xSplit: 1, ySplit: 1 });
    expect(ws.rowCount).toBe(4);
    const headers = (ws.getRow(1).values as unknown[]).slice(1) as string[];
    const col = (name: string) => headers.findIndex((h) => h.startsWith(name)) + 1;
    const titles = [2, 3, 4].map((r) => ws.getRow(r).getCell(col('Title')).value);
    expect(titles).toContain('Ünïcode ≥ check € Łódź');
    const created = ws.getRow(2).getCell(col('Created (UTC)')).value;
    expect(created).toBeInstanceOf(Date);
    expect((created as Date).toISOString()).toBe('2026-11-20T12:00:00.000Z');
    // Date cells read the depot's way (en-GB here) while staying real dates.
    expect(ws.getRow(2).getCell(col('Created (UTC)')).numFmt).toBe('dd"/"mm"/"yyyy hh:mm');
    expect(typeof ws.getRow(2).getCell(col('Planned duration')).value).toBe('number');
    const events = wb.getWorksheet('Events')!;
    expect(events.rowCount).toBeGreaterThan(4);
    expect(events.getRow(2).getCell(2).value).toBeInstanceOf(Date);
    const kpis = wb.getWorksheet('KPIs')!;
    expect(kpis.getRow(2).getCell(1).value).toBe('Whole selection');
    expect(typeof kpis.getRow(2).getCell(3).value).toBe('number');
  });

  it('when another org or a technician asks for a job, then it is 404 or 403', async () => {
    const res = await post({ kind: 'kpi-pdf' });
    await settled(t, world.orgId, res.body.id);
    const other = await seedWorld(t, 'Elsewhere');
    expect((await t.api('GET', `/api/v1/reports/jobs/${res.body.id}`, { token: other.tokens.dispatcher })).status).toBe(404);
    expect((await t.api('GET', `/api/v1/reports/jobs/${res.body.id}/file`, { token: other.tokens.dispatcher })).status).toBe(404);
    expect((await post({ kind: 'kpi-pdf' }, world.tokens.tech1)).status).toBe(403);
    const files = await t.api<{ items: { runId: string }[] }>('GET', '/api/v1/reports/files', { token: other.tokens.dispatcher });
    expect(files.body.items).toEqual([]);
  });

  it('when a big workbook builds, then /healthz still answers within 100 ms, and cancelling stops it and leaves no file', async () => {
    bulkWorkOrders(t.host, world.orgId, 100_000, { start: Date.parse('2026-01-01T00:00:00Z'), teamId: world.teams.alpha });
    // The insert blocked the loop for seconds: let the server's overdue keep-alive timers close idle
    // sockets now, or the next fetch may pick one up just as it closes (ECONNRESET; nodejs/undici#2907).
    await new Promise((resolve) => setTimeout(resolve, 20));
    const res = await post({ kind: 'workbook', from: '2025-12-01T00:00:00Z', to: '2026-11-21T00:00:00Z' });
    const running = new Promise<void>((resolve) => {
      const off = t.host.bus.subscribe((m) => {
        if (m.type === 'report_job' && (m.data as unknown as { progress: number }).progress > 0.1) {
          off();
          resolve();
        }
      });
    });
    await running;
    const latencies: number[] = [];
    for (let i = 0; i < 20; i++) {
      const started = performance.now();
      const h = await fetch(`${t.url}/healthz`);
      expect(h.status).toBe(200);
      latencies.push(performance.now() - started);
    }
    expect(t.services.reportJobs.get(world.orgId, res.body.id).state).toBe('running');
    expect(Math.max(...latencies)).toBeLessThan(100);

    const cancelled = await t.api('DELETE', `/api/v1/reports/jobs/${res.body.id}`, { token: world.tokens.dispatcher });
    expect(cancelled.body).toMatchObject({ state: 'cancelled' });
    expect(fs.readdirSync(path.join(reportsDir(t.dataDir), '.tmp'))).toEqual([]);
    expect((await t.api('GET', `/api/v1/reports/jobs/${res.body.id}/file`, { token: world.tokens.dispatcher })).status).toBe(404);
  }, 60_000);
});
