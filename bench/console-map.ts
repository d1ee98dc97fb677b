import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { chromium, type Page } from 'playwright-core';
import type { Map as MapLibre } from 'maplibre-gl';
import { repoRoot, startChild } from '../server/child-host/spawn.js';
import { markdownTable, median, ms, percentile, type Row } from './stats.js';

/**
 * The console map with ~10,000 open work orders, measured in Chromium (headless, WebGL on
 * SwiftShader, i.e. software rendering: a desk PC with any GPU does better):
 *
 *   npx tsx bench/console-map.ts [--data-dir DIR] [--work-orders 28000] [--runs 5] [--renderer-dir DIR]
 *
 * - open → ready: navigation to #/map until the map's data-state="ready" (style, basemap, every
 *   page of open work orders fetched, GeoJSON clustered, map idle), median of --runs fresh pages;
 * - the API part of that: paging all open work orders (limit 500) from Node;
 * - 10 programmatic camera jumps (zoom 9 → 17 and back across the region), each until 'idle';
 * - frame intervals (requestAnimationFrame) during a 1.5 s animated pan and a 1.5 s animated zoom.
 * The demo seeder makes ~36 % of its work orders open: 28,000 seeded ≈ 10,000 on the map. The data
 * dir is kept for the next run (seeding takes a few minutes).
 */

/** Browser globals used inside page.evaluate (the bench type-checks without the DOM lib). */
interface PageGlobals {
  __depotdeskMap: MapLibre;
  requestAnimationFrame(cb: (t: number) => void): number;
  localStorage: { setItem(key: string, value: string): void };
}

const DISPATCHER = { email: 'dispatcher@avonvale.example', password: 'demo-dispatch-2026' };
const OPEN = 'NEW,SCHEDULED,DISPATCHED,EN_ROUTE,ON_SITE,ON_HOLD,COMPLETED';

const { values } = parseArgs({
  args: process.argv.slice(2),
  strict: true,
  options: {
    'data-dir': { type: 'string' },
    'work-orders': { type: 'string' },
    runs: { type: 'string' },
    'renderer-dir': { type: 'string' },
  },
});
const root = repoRoot();
const dataDir = path.resolve(values['data-dir'] ?? path.join(os.tmpdir(), 'depotdesk-bench-map'));
const seedCount = Number(values['work-orders'] ?? 28_000);
const runs = Number(values.runs ?? 5);

function ensureBuilt(): string {
  for (const f of ['dist/host/start.js', 'dist/host/seed.js']) {
    if (!fs.existsSync(path.join(root, f)))
      execFileSync(process.execPath, [path.join(root, 'scripts/build-host.mjs')], { cwd: root, stdio: 'inherit' });
  }
  if (values['renderer-dir']) return path.resolve(values['renderer-dir']);
  // Our own renderer build, so a parallel `vite build` into dist/renderer cannot pull it away mid-run.
  const out = path.join(os.tmpdir(), 'depotdesk-bench-map-renderer');
  console.log('Building the console into', out);
  execFileSync(
    process.execPath,
    [
      path.join(root, 'node_modules/vite/bin/vite.js'),
      'build',
      '--config',
      'renderer/vite.config.ts',
      '--logLevel',
      'error',
      '--outDir',
      out,
      '--emptyOutDir',
    ],
    { cwd: root, stdio: 'inherit' },
  );
  return out;
}

function ensureSeeded(): void {
  if (fs.existsSync(path.join(dataDir, 'depotdesk.sqlite'))) return;
  console.log(`Seeding ${seedCount.toLocaleString()} demo work orders into ${dataDir} (a few minutes; kept for next time)…`);
  const r = spawnSync(
    process.execPath,
    [path.join(root, 'dist/host/seed.js'), '--demo', '--data-dir', dataDir, '--work-orders', String(seedCount), '--seed', '7'],
    { encoding: 'utf8' },
  );
  if (r.status !== 0) throw new Error(`seeding failed: ${r.stderr}`);
}

async function api<T>(url: string, token: string | null, init: RequestInit = {}): Promise<T> {
  const res = await fetch(url, {
    ...init,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}), ...(init.headers ?? {}) },
  });
  if (!res.ok) throw new Error(`${init.method ?? 'GET'} ${url}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

/** In the page: animate the camera for `durationMs` and collect requestAnimationFrame intervals. */
async function frameIntervals(page: Page, kind: 'pan' | 'zoom'): Promise<number[]> {
  return page.evaluate(async (k) => {
    const g = globalThis as unknown as PageGlobals;
    const map = g.__depotdeskMap;
    const deltas: number[] = [];
    let last = performance.now();
    let running = true;
    const tick = (t: number) => {
      deltas.push(t - last);
      last = t;
      if (running) g.requestAnimationFrame(tick);
    };
    g.requestAnimationFrame((t) => {
      last = t;
      g.requestAnimationFrame(tick);
    });
    const done = new Promise((r) => map.once('moveend', r));
    if (k === 'pan') map.panBy([600, 250], { duration: 1500, easing: (x) => x });
    else map.easeTo({ zoom: map.getZoom() + 3, duration: 1500, easing: (x) => x });
    await done;
    running = false;
    await new Promise((r) => map.once('idle', r));
    return deltas;
  }, kind);
}

async function main(): Promise<void> {
  const rendererDir = ensureBuilt();
  ensureSeeded();
  process.env.DEPOTDESK_RENDERER_DIR = rendererDir;
  const host = await startChild(
    { cmd: process.execPath, args: [path.join(root, 'dist/host/start.js')], label: 'node dist/host/start.js' },
    dataDir,
    'warn',
  );
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-background-networking'],
  });
  try {
    const { token } = await api<{ token: string }>(`${host.url}/api/v1/auth/login`, null, {
      method: 'POST',
      body: JSON.stringify(DISPATCHER),
    });

    // The API part: every page of open work orders, as the map fetches them.
    const fetchTimes: number[] = [];
    let open = 0;
    for (let i = 0; i < runs; i++) {
      const t0 = performance.now();
      let cursor: string | null = null;
      open = 0;
      do {
        const page: { items: unknown[]; nextCursor: string | null } = await api(
          `${host.url}/api/v1/work-orders?status=${OPEN}&limit=500${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
          token,
        );
        open += page.items.length;
        cursor = page.nextCursor;
      } while (cursor);
      fetchTimes.push(performance.now() - t0);
    }
    console.log(`${open.toLocaleString()} open work orders in ${dataDir}`);

    const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, baseURL: host.url });
    // tsx (esbuild keepNames) wraps named functions in __name(), which the page does not have.
    await context.addInitScript('globalThis.__name = (f) => f;');
    await context.addInitScript((t) => (globalThis as unknown as PageGlobals).localStorage.setItem('depotdesk.token', t), token);
    const openTimes: number[] = [];
    let points = 0;
    let page: Page | null = null;
    for (let i = 0; i < runs; i++) {
      await page?.close();
      page = await context.newPage();
      const t0 = performance.now();
      await page.goto('/#/map');
      await page.locator('[data-testid="map-canvas"][data-state="ready"]').waitFor({ timeout: 120_000 });
      openTimes.push(performance.now() - t0);
      points = Number(
        /([\d,]+) work orders on the map/.exec((await page.getByTestId('map-count').textContent()) ?? '')?.[1]?.replace(/,/g, '') ??
          Number.NaN,
      );
    }
    const p = page!;

    // Camera jumps: each until the map is idle again (tiles placed, clusters recomputed, painted).
    const jumpTimes = await p.evaluate(async () => {
      const g = globalThis as unknown as PageGlobals;
      const map = g.__depotdeskMap;
      const c = map.getCenter();
      const steps: [number, number, number][] = [
        [c.lng, c.lat, 9],
        [c.lng, c.lat, 11],
        [-2.59, 51.455, 13],
        [-2.59, 51.455, 15],
        [-2.59, 51.455, 17],
        [-2.36, 51.38, 17],
        [-2.36, 51.38, 14],
        [-2.5, 51.43, 12],
        [-2.6, 51.47, 10],
        [c.lng, c.lat, 9],
      ];
      const out: number[] = [];
      for (const [lng, lat, zoom] of steps) {
        const t0 = performance.now();
        const idle = new Promise((r) => map.once('idle', r));
        map.jumpTo({ center: [lng, lat], zoom });
        await idle;
        out.push(performance.now() - t0);
      }
      return out;
    });
    const pan = await frameIntervals(p, 'pan');
    const zoom = await frameIntervals(p, 'zoom');
    // Baseline: the same pan with the work-order layers hidden (basemap, locations, vehicles only),
    // to tell the cost of 10,000 points from the cost of software WebGL itself.
    await p.evaluate(() => {
      const map = (globalThis as unknown as PageGlobals).__depotdeskMap;
      for (const id of ['wo-clusters', 'wo-cluster-count', 'wo-points', 'wo-labels']) map.setLayoutProperty(id, 'visibility', 'none');
      map.jumpTo({ center: [-2.55, 51.45], zoom: 11 });
    });
    const basePan = await frameIntervals(p, 'pan');
    await context.close();

    const fps = (d: number[]) => `${(1000 / median(d)).toFixed(0)} fps median (p95 frame ${ms(percentile(d, 95))})`;
    const rows: Row[] = [
      { metric: `points on the map`, value: points.toLocaleString(), target: '≈ 10,000', pass: null },
      { metric: `API: page all open work orders (limit 500), median of ${runs}`, value: ms(median(fetchTimes)), target: '', pass: null },
      { metric: `open map → ready (first, cold cache)`, value: ms(openTimes[0]!), target: '', pass: null },
      { metric: `open map → ready, median of ${runs}`, value: ms(median(openTimes)), target: '', pass: null },
      { metric: 'camera jump → idle, median of 10 (zoom 9–17)', value: ms(median(jumpTimes)), target: '', pass: null },
      { metric: 'camera jump → idle, slowest of 10', value: ms(Math.max(...jumpTimes)), target: '', pass: null },
      { metric: 'frame interval during a 1.5 s pan', value: `${ms(median(pan))} · ${fps(pan)}`, target: '', pass: null },
      {
        metric: 'same pan, work-order layers hidden (baseline)',
        value: `${ms(median(basePan))} · ${fps(basePan)}`,
        target: '',
        pass: null,
      },
      { metric: 'frame interval during a 1.5 s zoom', value: `${ms(median(zoom))} · ${fps(zoom)}`, target: '', pass: null },
    ];
    console.log(`\nConsole map, headless Chromium (SwiftShader WebGL), ${os.cpus().length} CPUs, ${os.cpus()[0]?.model ?? ''}\n`);
    console.log(markdownTable(rows));
  } finally {
    await browser.close();
    await host.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
