import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { chromium, type Page } from 'playwright-core';
import type { Map as MapLibre } from 'maplibre-gl';
import { repoRoot, startChild } from '../server/child-host/spawn.js';
import { openPlain, servePlain, type PlainOptions } from './console-map-plain.js';
import { markdownTable, median, ms, percentile, type Row } from './stats.js';

/**
 * The console map with ~10,000 open work orders, measured in Chromium (headless, WebGL on
 * SwiftShader, i.e. software rendering: a desk PC with any GPU does better), each figure beside
 * plain maplibre-gl drawing the same points in the same run (console-map-plain.ts):
 *
 *   npx tsx bench/console-map.ts [--data-dir DIR] [--work-orders 28000] [--runs 5] [--renderer-dir DIR]
 *
 * - the API part: GET /map/open-work, the one columnar payload the map loads;
 * - first render: navigation to #/map until the map's data-state="ready" (app shell, style, basemap,
 *   the open work fetched, clustered and drawn, map idle), median of --runs fresh pages; the
 *   reference: navigation to a blank page with plain maplibre until its first idle with the points;
 * - 10 programmatic camera jumps (zoom 9 → 17 and back across the region), each until 'idle';
 * - frame intervals (requestAnimationFrame) during a 1.5 s animated pan and zoom, beside the same pan
 *   in plain maplibre with the points, and with nothing at all (the floor of software WebGL);
 * - a live change: one work order cancelled through the API until the map's count drops and the next
 *   frame is drawn (the kept data dir has one open work order fewer after each run).
 * The demo seeder makes ~32 % of its work orders open: 28,000 seeded ≈ 9,000 on the map. The data
 * dir is kept for the next run (seeding takes a few minutes).
 */

/** Browser globals used inside page.evaluate (the bench type-checks without the DOM lib). */
interface PageGlobals {
  __depotdeskMap: MapLibre;
  document: { querySelector(s: string): { textContent: string | null } | null };
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
  // Launched with the host already up: a failed launch (no Chromium) must still stop the host.
  const browser = await chromium
    .launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-background-networking'] })
    .catch(async (err: unknown) => {
      await host.stop();
      throw err;
    });
  try {
    const { token } = await api<{ token: string }>(`${host.url}/api/v1/auth/login`, null, {
      method: 'POST',
      body: JSON.stringify(DISPATCHER),
    });

    // The API part: the open work as the map loads it, one request.
    const fetchTimes: number[] = [];
    let open = 0;
    for (let i = 0; i < runs; i++) {
      const t0 = performance.now();
      const payload = await api<{ id: string[] }>(`${host.url}/api/v1/map/open-work?status=${OPEN}`, token);
      fetchTimes.push(performance.now() - t0);
      open = payload.id.length;
    }
    console.log(`${open.toLocaleString()} open work orders in ${dataDir}`);

    const viewport = { width: 1440, height: 900 };
    const context = await browser.newContext({ viewport, baseURL: host.url });
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
    // What the console drew, for the reference to draw the same.
    const drawn = await p.evaluate(async () => {
      const map = (globalThis as unknown as PageGlobals).__depotdeskMap;
      const source = map.getSource('work-orders') as unknown as {
        getData(): Promise<{ features: { geometry: { coordinates: [number, number] } }[] }>;
      };
      const fc = await source.getData();
      return {
        points: fc.features.map((f) => f.geometry.coordinates),
        center: map.getCenter().toArray() as [number, number],
        zoom: map.getZoom(),
      };
    });

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
    const home = async (pg: Page) =>
      pg.evaluate(async (cam) => {
        const map = (globalThis as unknown as PageGlobals).__depotdeskMap;
        const idle = new Promise((r) => map.once('idle', r));
        map.jumpTo(cam);
        await idle;
      }, drawn);
    await home(p);
    const pan = await frameIntervals(p, 'pan');
    await home(p);
    const zoom = await frameIntervals(p, 'zoom');

    // A live change: another client cancels one open work order; the map applies just that row.
    await home(p);
    const victim = await api<{ items: { id: string }[] }>(`${host.url}/api/v1/work-orders?status=NEW&limit=1`, token);
    let live = Number.NaN;
    if (victim.items[0]) {
      const before = points;
      const t0 = performance.now();
      await api(`${host.url}/api/v1/work-orders/${victim.items[0].id}/transitions`, token, {
        method: 'POST',
        headers: { 'idempotency-key': crypto.randomUUID() },
        body: JSON.stringify({ to: 'CANCELLED', reason: 'bench', note: 'bench' }),
      });
      await p.waitForFunction(
        (n) =>
          ((globalThis as unknown as PageGlobals).document.querySelector('[data-testid="map-count"]')?.textContent ?? '').startsWith(
            `${(n - 1).toLocaleString()} work orders`,
          ),
        before,
        { timeout: 30_000, polling: 20 },
      );
      // The next frame drawn after the count changed (not 'idle': other live layers may keep the map busy).
      await p.evaluate(
        () =>
          new Promise((r) => {
            const map = (globalThis as unknown as PageGlobals).__depotdeskMap;
            map.once('render', r);
            map.triggerRepaint();
          }),
      );
      live = performance.now() - t0;
    }
    await context.close();

    // The reference: plain maplibre, the same points, camera and viewport, in the same browser.
    const plainContext = await browser.newContext({ viewport });
    await plainContext.addInitScript('globalThis.__name = (f) => f;');
    const plain: PlainOptions = { points: drawn.points, center: drawn.center, zoom: drawn.zoom, withPoints: true };
    await servePlain(plainContext, root, plain);
    const plainTimes: number[] = [];
    let plainPage: Page | null = null;
    for (let i = 0; i < runs; i++) {
      await plainPage?.close();
      plainPage = await plainContext.newPage();
      plainTimes.push(await openPlain(plainPage));
    }
    const plainPan = await frameIntervals(plainPage!, 'pan');
    await home(plainPage!);
    const plainZoom = await frameIntervals(plainPage!, 'zoom');
    await servePlain(plainContext, root, { ...plain, withPoints: false });
    const blank = await plainContext.newPage();
    await openPlain(blank);
    const blankPan = await frameIntervals(blank, 'pan');
    await plainContext.close();

    const fps = (d: number[]) => `${(1000 / median(d)).toFixed(0)} fps (p95 frame ${ms(percentile(d, 95))})`;
    const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}×`;
    const row = (metric: string, value: string, target = '', pass: boolean | null = null): Row => ({ metric, value, target, pass });
    const rows: Row[] = [
      row('points on the map (console = reference)', `${points.toLocaleString()} = ${drawn.points.length.toLocaleString()}`, '≈ 10,000'),
      row(`API: GET /map/open-work, median of ${runs}`, ms(median(fetchTimes))),
      row('first render: open map → ready, cold (first page)', ms(openTimes[0]!), '< 1000 ms', openTimes[0]! < 1000),
      row(`first render: open map → ready, median of ${runs}`, ms(median(openTimes)), '< 1000 ms', median(openTimes) < 1000),
      row(`  plain maplibre, same points: page → idle, median of ${runs}`, ms(median(plainTimes))),
      row('  ratio console / plain maplibre', ratio(median(openTimes), median(plainTimes))),
      row('pan: frame interval, median (1.5 s animated pan)', `${ms(median(pan))} · ${fps(pan)}`),
      row('  plain maplibre, same points, same pan', `${ms(median(plainPan))} · ${fps(plainPan)}`),
      row('  ratio console / plain maplibre', ratio(median(pan), median(plainPan))),
      row('  plain maplibre, nothing drawn (software WebGL floor)', `${ms(median(blankPan))} · ${fps(blankPan)}`),
      row('zoom: frame interval, median (1.5 s animated zoom)', `${ms(median(zoom))} · ${fps(zoom)}`),
      row('  plain maplibre, same points, same zoom', `${ms(median(plainZoom))} · ${fps(plainZoom)}`),
      row('camera jump → idle, median of 10 (zoom 9–17)', ms(median(jumpTimes))),
      row('camera jump → idle, slowest of 10', ms(Math.max(...jumpTimes))),
      row('live: one work order cancelled by another client → off the map, next frame', ms(live)),
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
