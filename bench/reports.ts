import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import ExcelJS from 'exceljs';
import { DB_FILE } from '../server/host.js';
import { iterateEvents, iterateWorkOrders, type ExportScope } from '../server/reports/excel/rows.js';
import { reportsDir } from '../server/reports/jobs/manager.js';

/**
 * The reports section of `npm run bench` (bench/run.ts), against a real host process on the demo
 * depot, through its HTTP API as the console uses it:
 * - GET /reports/kpis over the last 30, 90 and 365 days (each run a slightly different period, so
 *   the KPI worker's cache never answers; median of 3), and once more repeated (the cache);
 * - the KPI PDF and the workbook of the whole depot as report jobs (POST, then polled), each on a
 *   freshly started host, timed from the POST to the job's done state, with the host process's
 *   RSS sampled every 20 ms: the report worker threads live in the host process, so the figure is
 *   the host's peak RSS during the build, and its growth over the idle host's RSS just before the
 *   POST (what the report itself cost; a fresh host, so no earlier report's freed-but-kept memory
 *   hides any of it);
 * - /healthz latency, probed every 20 ms while the workbook builds;
 * - plain references measured in the same run, since this 2-core machine is shared and its load
 *   moves every figure: the workbook's rows read straight with better-sqlite3 (the export's own two
 *   statements, `iterate()`, nothing done with the rows), and the Work orders rows written by the bare
 *   library (exceljs's streaming WorkbookWriter), each with the workbook's time as a ratio of it;
 * - the host's RSS a second after the workbook finished (what a report leaves behind in the host).
 */

export interface BenchRow {
  metric: string;
  value: string;
  target: string;
  pass: boolean | null;
}

export interface BenchHost {
  url: string;
  stop(): Promise<void>;
  /** A signed-in user with kpi:read and report:export (the bench's dispatcher). */
  token: string;
  /** The host process's current resident set, in MB. */
  rssMb(): number;
}

const DAY = 86_400_000;
const fmtMs = (v: number) => (v < 10 ? `${v.toFixed(2)} ms` : `${v.toFixed(0)} ms`);
const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);
const median = (xs: number[]) => sorted(xs)[Math.floor((xs.length - 1) / 2)] ?? Number.NaN;
const p95 = (xs: number[]) => sorted(xs)[Math.min(xs.length - 1, Math.ceil(0.95 * xs.length) - 1)] ?? Number.NaN;

async function call<T>(host: BenchHost, method: string, route: string, body?: unknown): Promise<T> {
  const res = await fetch(`${host.url}/api/v1${route}`, {
    method,
    headers: { authorization: `Bearer ${host.token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${route} answered ${res.status}: ${text.slice(0, 300)}`);
  return JSON.parse(text) as T;
}

/** The whole depot: its first work order's creation up to just after its last. */
function depotRange(dataDir: string): { orgId: string; from: number; to: number; n: number } {
  const sqlite = new Database(path.join(dataDir, DB_FILE), { readonly: true, fileMustExist: true });
  try {
    const orgId = sqlite.prepare('SELECT org_id FROM work_orders GROUP BY org_id ORDER BY count(*) DESC LIMIT 1').pluck().get() as string;
    const r = sqlite
      .prepare('SELECT min(created_at) AS "from", max(created_at) + 1 AS "to", count(*) AS n FROM work_orders WHERE org_id = ?')
      .get(orgId) as {
      from: number;
      to: number;
      n: number;
    };
    return { orgId, ...r };
  } finally {
    sqlite.close();
  }
}

async function kpiLatency(host: BenchHost, end: number): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const get = async (from: number, to: number) => {
    const started = performance.now();
    await call(host, 'GET', `/reports/kpis?from=${new Date(from).toISOString()}&to=${new Date(to).toISOString()}`);
    return performance.now() - started;
  };
  await get(end - DAY, end); // starts the KPI worker
  for (const [days, target] of [
    [30, null],
    [90, 1_000],
    [365, 2_000],
  ] as const) {
    const samples: number[] = [];
    // A minute apart each time, so every run is computed, not served from the cache.
    for (let i = 1; i <= 3; i++) samples.push(await get(end - days * DAY - i * 60_000, end - i * 60_000));
    const m = median(samples);
    rows.push({
      metric: `GET /reports/kpis, last ${days} days (median of 3, computed)`,
      value: fmtMs(m),
      target: target ? `< ${target / 1000} s` : '',
      pass: target ? m < target : null,
    });
  }
  const cached = await get(end - 365 * DAY - 60_000, end - 60_000);
  rows.push({ metric: 'GET /reports/kpis, 365 days repeated (KPI worker cache)', value: fmtMs(cached), target: '', pass: null });
  return rows;
}

interface JobRun {
  ms: number;
  rssBeforeMb: number;
  peakRssMb: number;
  sizeBytes: number;
  healthz: number[];
}

async function runJob(
  host: BenchHost,
  dataDir: string,
  kind: 'kpi-pdf' | 'workbook',
  range: { from: number; to: number },
  probe: boolean,
): Promise<JobRun> {
  const rssBeforeMb = host.rssMb();
  let peakRssMb = rssBeforeMb;
  const sampler = setInterval(() => (peakRssMb = Math.max(peakRssMb, host.rssMb())), 20);
  const healthz: number[] = [];
  let finished = false;
  try {
    const started = performance.now();
    const { id } = await call<{ id: string }>(host, 'POST', '/reports/jobs', {
      kind,
      from: new Date(range.from).toISOString(),
      to: new Date(range.to).toISOString(),
    });
    // Every 20 ms, like a busy console: back-to-back probes would take a CPU from the build itself.
    const probing = (async () => {
      while (probe && !finished) {
        const t0 = performance.now();
        const res = await fetch(`${host.url}/healthz`);
        await res.arrayBuffer();
        const took = performance.now() - t0;
        if (!finished) healthz.push(took);
        await new Promise((resolve) => setTimeout(resolve, Math.max(0, 20 - took)));
      }
    })();
    for (;;) {
      const job = await call<{ state: string; message: string | null; sizeBytes: number | null; fileName: string | null }>(
        host,
        'GET',
        `/reports/jobs/${id}`,
      );
      if (job.state === 'done') {
        const ms = performance.now() - started;
        finished = true;
        await probing;
        peakRssMb = Math.max(peakRssMb, host.rssMb());
        // Each run would leave a 75 MB workbook in the depot's reports folder.
        if (job.fileName) fs.rmSync(path.join(reportsDir(dataDir), job.fileName), { force: true });
        return { ms, rssBeforeMb, peakRssMb, sizeBytes: job.sizeBytes ?? 0, healthz };
      }
      if (job.state === 'failed' || job.state === 'cancelled') throw new Error(`${kind} job ${job.state}: ${job.message}`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  } finally {
    finished = true;
    clearInterval(sampler);
  }
}

/** Reads the workbook's rows with the export's own statements and does nothing with them: the floor. */
function rawRead(dataDir: string, scope: ExportScope): { ms: number; workOrders: number; events: number } {
  const sqlite = new Database(path.join(dataDir, DB_FILE), { readonly: true, fileMustExist: true });
  try {
    const started = performance.now();
    let workOrders = 0;
    let events = 0;
    for (const _ of iterateWorkOrders(sqlite, scope)) workOrders += 1;
    for (const _ of iterateEvents(sqlite, scope)) events += 1;
    return { ms: performance.now() - started, workOrders, events };
  } finally {
    sqlite.close();
  }
}

/** The Work orders rows written by exceljs's streaming writer, as plain values (dates as Date). */
async function exceljsWorkOrders(dataDir: string, scope: ExportScope): Promise<{ ms: number; rows: number }> {
  const sqlite = new Database(path.join(dataDir, DB_FILE), { readonly: true, fileMustExist: true });
  const file = path.join(reportsDir(dataDir), '.bench-exceljs.xlsx');
  fs.mkdirSync(path.dirname(file), { recursive: true });
  try {
    const started = performance.now();
    const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: file, useSharedStrings: false, useStyles: true });
    const ws = wb.addWorksheet('Work orders');
    let rows = 0;
    for (const r of iterateWorkOrders(sqlite, scope)) {
      const values = Object.values(r).map((v) => (typeof v === 'number' && v > 1e12 ? new Date(v) : v));
      ws.addRow(values).commit();
      rows += 1;
    }
    ws.commit();
    await wb.commit();
    return { ms: performance.now() - started, rows };
  } finally {
    sqlite.close();
    fs.rmSync(file, { force: true });
  }
}

/** `startHost` starts a host process on `dataDir` and signs in; each part gets a fresh one. */
export async function benchReports(
  dataDir: string,
  startHost: () => Promise<BenchHost>,
  log: (m: string) => void = () => {},
): Promise<BenchRow[]> {
  const range = depotRange(dataDir);
  const rows: BenchRow[] = [];
  const withHost = async <T>(f: (host: BenchHost) => Promise<T>): Promise<T> => {
    const host = await startHost();
    try {
      return await f(host);
    } finally {
      await host.stop();
    }
  };
  log(`KPI API over ${range.n} work orders …`);
  rows.push(...(await withHost((host) => kpiLatency(host, range.to))));
  const mb = (v: number) => `${v.toFixed(0)} MB`;
  for (const kind of ['kpi-pdf', 'workbook'] as const) {
    log(
      `${kind} of the whole depot (${new Date(range.from).toISOString().slice(0, 10)} – ${new Date(range.to).toISOString().slice(0, 10)}) …`,
    );
    let residueMb = Number.NaN;
    const run = await withHost(async (host) => {
      // Let the start-up settle, so "before" is the idle host.
      await new Promise((resolve) => setTimeout(resolve, 500));
      const job = await runJob(host, dataDir, kind, range, kind === 'workbook');
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      residueMb = host.rssMb();
      return job;
    });
    const label = kind === 'kpi-pdf' ? 'KPI PDF' : 'workbook';
    const target = kind === 'kpi-pdf' ? 3_000 : 10_000;
    const grown = run.peakRssMb - run.rssBeforeMb;
    rows.push({
      metric: `${label}, ${range.n} work orders (POST → done; ${(run.sizeBytes / 1_048_576).toFixed(1)} MB file)`,
      value: `${(run.ms / 1000).toFixed(2)} s`,
      target: `< ${target / 1000} s`,
      pass: run.ms < target,
    });
    rows.push({
      metric: `${label}: memory of the build (fresh host's RSS, peak − idle before)`,
      value: mb(grown),
      target: '< 300 MB',
      pass: grown < 300,
    });
    rows.push({
      metric: `${label}: host process peak RSS (idle before: ${mb(run.rssBeforeMb)})`,
      value: mb(run.peakRssMb),
      target: '',
      pass: null,
    });
    rows.push({ metric: `${label}: host RSS 1 s after the job finished`, value: mb(residueMb), target: '< 250 MB', pass: residueMb < 250 });
    if (kind === 'workbook') {
      const scope: ExportScope = { orgId: range.orgId, from: range.from, to: range.to, filters: {} };
      log('references: the same rows read with better-sqlite3, and the Work orders rows written by exceljs …');
      const raw = rawRead(dataDir, scope);
      const lib = await exceljsWorkOrders(dataDir, scope);
      rows.push({
        metric: `  raw better-sqlite3: the workbook's rows read with iterate() (${raw.workOrders} work orders + ${raw.events} events)`,
        value: `${(raw.ms / 1000).toFixed(2)} s`,
        target: '',
        pass: null,
      });
      rows.push({ metric: '  workbook ÷ raw read', value: `${(run.ms / raw.ms).toFixed(1)}×`, target: '', pass: null });
      rows.push({
        metric: `  bare library: exceljs streaming writer, the ${lib.rows} Work orders rows alone (no events, KPIs or styles)`,
        value: `${(lib.ms / 1000).toFixed(2)} s`,
        target: '',
        pass: null,
      });
      rows.push({
        metric: '  whole workbook ÷ exceljs Work orders sheet',
        value: `${(run.ms / lib.ms).toFixed(2)}×`,
        target: '',
        pass: null,
      });
      const p = p95(run.healthz);
      rows.push({
        metric: `/healthz p95 while the workbook builds (n=${run.healthz.length}, max ${fmtMs(Math.max(...run.healthz))})`,
        value: fmtMs(p),
        target: '< 100 ms',
        pass: p < 100,
      });
    }
  }
  return rows;
}
