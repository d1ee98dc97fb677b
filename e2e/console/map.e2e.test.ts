import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { Map as MapLibre } from 'maplibre-gl';
import { DEMO, desktopPage, launchBrowser, signIn, startHost, type E2EHost } from '../fixtures.js';

/** The page's map instance (MapCanvas exposes it for tests); e2e type-checks without the DOM lib. */
const screenshots = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../docs/screenshots');

let host: E2EHost;
let browser: Browser;
beforeAll(async () => {
  host = await startHost({ seed: 1000 });
  browser = await launchBrowser();
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await host?.stop();
});

/** The map view with its canvas rendered (style, overlays and data loaded, map idle). */
async function openMap(page: Page): Promise<void> {
  await page.getByTestId('nav-map').click();
  await page.locator('[data-testid="map-canvas"][data-state="ready"]').waitFor({ timeout: 30_000 });
}

async function mapCount(page: Page): Promise<number> {
  const text = (await page.getByTestId('map-count').textContent()) ?? '';
  return Number(/([\d,]+) work orders on the map/.exec(text)?.[1]?.replace(/,/g, '') ?? Number.NaN);
}

async function login(email: string, password: string): Promise<string> {
  const res = await fetch(`${host.url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  return ((await res.json()) as { token: string }).token;
}

describe('map', () => {
  it('when a dispatcher opens the map with no network, then the offline basemap and the open work draw, and clicking a point opens that work order', async () => {
    const { context, page } = await desktopPage(browser, host.url);
    // No network beyond the depot host: anything else would be a broken offline promise.
    const outside: string[] = [];
    await context.route(/^(?!https?:\/\/127\.0\.0\.1)/, (route) => {
      outside.push(route.request().url());
      return route.abort();
    });
    await signIn(page, DEMO.dispatcher.email, DEMO.dispatcher.password);
    await openMap(page);

    // The basemap (Natural Earth land) and every overlay are in the map's style, and its data loaded.
    const state = await page.evaluate(() => {
      const map = (globalThis as unknown as { __depotdeskMap: MapLibre }).__depotdeskMap;
      return {
        land: map.getLayer('region-land') !== undefined && map.isSourceLoaded('region-land'),
        rendered: map.queryRenderedFeatures({ layers: ['region-land'] }).length,
        clusters: map.queryRenderedFeatures({ layers: ['wo-clusters', 'wo-points'] }).length,
        vehicles: map.queryRenderedFeatures({ layers: ['vehicles-dot'] }).length,
      };
    });
    expect(state.land).toBe(true);
    expect(state.rendered).toBeGreaterThan(0);
    expect(state.clusters).toBeGreaterThan(0);
    expect(state.vehicles).toBeGreaterThan(0);
    expect(await mapCount(page)).toBeGreaterThan(100);
    fs.mkdirSync(screenshots, { recursive: true });
    await page.screenshot({ path: path.join(screenshots, 'map.png') });

    // Zoom in on the busiest site until its work orders are single points, then click one.
    await page.evaluate(async () => {
      const map = (globalThis as unknown as { __depotdeskMap: MapLibre }).__depotdeskMap;
      const clusters = map.queryRenderedFeatures({ layers: ['wo-clusters'] });
      clusters.sort((a, b) => Number(b.properties.point_count) - Number(a.properties.point_count));
      const first = clusters[0];
      // A cluster's centre can fall between sites; one of its leaves is a real work order's spot.
      let center = map.getCenter().toArray() as [number, number];
      if (first) {
        const source = map.getSource('work-orders') as unknown as {
          getClusterLeaves(id: number, limit: number, offset: number): Promise<{ geometry: { coordinates: [number, number] } }[]>;
        };
        const [leaf] = await source.getClusterLeaves(Number(first.properties.cluster_id), 1, 0);
        if (leaf) center = leaf.geometry.coordinates;
      }
      const idle = new Promise((r) => map.once('idle', r));
      map.jumpTo({ center, zoom: 17 });
      await idle;
    });
    // The clustered source re-splits in its worker; wait until single points are drawn.
    const pointsDrawn = () =>
      page.evaluate(
        () =>
          (globalThis as unknown as { __depotdeskMap: MapLibre }).__depotdeskMap.queryRenderedFeatures({ layers: ['wo-points'] }).length,
      );
    await expect.poll(pointsDrawn, { timeout: 15_000 }).toBeGreaterThan(0);
    const target = await page.evaluate(() => {
      const map = (globalThis as unknown as { __depotdeskMap: MapLibre }).__depotdeskMap;
      const points = map.queryRenderedFeatures({ layers: ['wo-points'] });
      const mid = map.project(map.getCenter());
      points.sort((a, b) => {
        const pa = map.project(a.geometry.type === 'Point' ? (a.geometry.coordinates as [number, number]) : [0, 0]);
        const pb = map.project(b.geometry.type === 'Point' ? (b.geometry.coordinates as [number, number]) : [0, 0]);
        return pa.dist(mid) - pb.dist(mid);
      });
      const hit = points[0];
      if (!hit || hit.geometry.type !== 'Point') return null;
      const px = map.project(hit.geometry.coordinates as [number, number]);
      const rect = map.getCanvas().getBoundingClientRect();
      return { id: String(hit.properties.id), number: String(hit.properties.number), x: rect.left + px.x, y: rect.top + px.y };
    });
    expect(target).not.toBeNull();
    await page.mouse.click(target!.x, target!.y);
    const drawer = page.locator(`[data-testid="wo-drawer"][data-id="${target!.id}"][data-state="ready"]`);
    await drawer.waitFor();
    expect(await drawer.getByTestId('wo-number').textContent()).toBe(target!.number);
    expect(page.url()).toContain(`wo=${target!.id}`);
    expect(outside).toEqual([]);
    await context.close();
  });

  it('when another console cancels a work order, then it leaves this map live, and the filters narrow the map', async () => {
    const { context, page } = await desktopPage(browser, host.url);
    await signIn(page, DEMO.dispatcher.email, DEMO.dispatcher.password);
    await openMap(page);
    const before = await mapCount(page);

    const token = await login(DEMO.dispatcher.email, DEMO.dispatcher.password);
    const auth = { authorization: `Bearer ${token}` };
    const list = (await (await fetch(`${host.url}/api/v1/work-orders?status=NEW&limit=1`, { headers: auth })).json()) as {
      items: { id: string; locationId: string | null }[];
    };
    const victim = list.items.find((w) => w.locationId) ?? list.items[0]!;
    const res = await fetch(`${host.url}/api/v1/work-orders/${victim.id}/transitions`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json', 'idempotency-key': crypto.randomUUID() },
      body: JSON.stringify({ to: 'CANCELLED', reason: 'Duplicate report', note: 'Duplicate report' }),
    });
    expect(res.status).toBeLessThan(300);
    await expect.poll(() => mapCount(page), { timeout: 15_000 }).toBe(before - 1);

    await page.getByTestId('map-filter-sla').selectOption('breached');
    await expect.poll(() => mapCount(page), { timeout: 15_000 }).toBeLessThan(before - 1);
    const onlyBreached = await page.evaluate(async () => {
      const map = (globalThis as unknown as { __depotdeskMap: MapLibre }).__depotdeskMap;
      await new Promise((r) => (map.loaded() ? r(null) : map.once('idle', r)));
      return map.queryRenderedFeatures({ layers: ['wo-points'] }).every((f) => f.properties.sla === 'breached');
    });
    expect(onlyBreached).toBe(true);
    await context.close();
  });

  it('when no street map is loaded, then the map says why, and Settings › Map shows the tile file in use and how to make one', async () => {
    const { context, page } = await desktopPage(browser, host.url);
    await signIn(page, DEMO.dispatcher.email, DEMO.dispatcher.password);
    await openMap(page);
    expect(await page.getByTestId('map-no-streets').textContent()).toMatch(/Natural Earth land and water only/);
    // Depot names are drawn above the cluster bubbles (symbol order), so a depot's name is on the canvas.
    const depotLabels = await page.evaluate(() => {
      const map = (globalThis as unknown as { __depotdeskMap: MapLibre }).__depotdeskMap;
      const order = map.getLayersOrder();
      return {
        rendered: map.queryRenderedFeatures({ layers: ['depots-label'] }).length,
        above: order.indexOf('depots-label') > order.indexOf('wo-clusters'),
      };
    });
    expect(depotLabels.rendered).toBeGreaterThan(0);
    expect(depotLabels.above).toBe(true);

    await page.getByTestId('map-settings-toggle').click();
    await page.locator('[data-testid="admin-settings"][data-tab="map"][data-state="ready"]').waitFor();
    expect(await page.getByTestId('map-basemap-now').textContent()).toMatch(/no streets/);
    expect(await page.getByTestId('map-tiles-folder').textContent()).toContain(path.join(host.dataDir, 'tiles'));
    expect(await page.getByTestId('map-region-command').textContent()).toMatch(/^pmtiles extract [\s\S]* --bbox=-?\d+\.\d+,/);
    await page.screenshot({ path: path.join(screenshots, 'map-settings.png') });
    await context.close();
  });
});
