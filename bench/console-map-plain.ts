/**
 * The reference for bench/console-map.ts: plain maplibre-gl (its own dist build, no React, no app,
 * no basemap) on a blank page, drawing the same points the console drew, clustered with the same
 * options, in the same browser and run. Served from a fake origin through Playwright's router, so
 * nothing else (host, app shell, API) is involved.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';

const ORIGIN = 'http://plain-maplibre.test';

export interface PlainOptions {
  points: [number, number][];
  center: [number, number];
  zoom: number;
  /** false: a background only, no source at all (the floor of software WebGL for a pan). */
  withPoints: boolean;
}

function html(o: PlainOptions): string {
  return `<!doctype html><html><head><meta charset="utf-8"><link rel="stylesheet" href="/maplibre-gl.css">
<style>html,body,#map{margin:0;width:100%;height:100%}</style></head><body><div id="map"></div>
<script type="module">
import { Map, setWorkerUrl } from '/maplibre-gl.mjs';
setWorkerUrl('/maplibre-gl-worker.mjs');
const withPoints = ${JSON.stringify(o.withPoints)};
const points = withPoints ? await (await fetch('/points.json')).json() : [];
const features = points.map(([lon, lat], i) => ({ type: 'Feature', geometry: { type: 'Point', coordinates: [lon, lat] }, properties: { i } }));
const style = { version: 8, sources: {}, layers: [{ id: 'bg', type: 'background', paint: { 'background-color': '#f4f2ed' } }] };
if (withPoints) {
  style.sources.p = { type: 'geojson', data: { type: 'FeatureCollection', features }, cluster: true, clusterRadius: 42, clusterMaxZoom: 15 };
  style.layers.push(
    { id: 'clusters', type: 'circle', source: 'p', filter: ['has', 'point_count'], paint: { 'circle-color': '#5f7fa6', 'circle-radius': ['step', ['get', 'point_count'], 12, 10, 15, 50, 19, 200, 24, 1000, 30], 'circle-stroke-color': '#fff', 'circle-stroke-width': 2 } },
    { id: 'count', type: 'symbol', source: 'p', filter: ['has', 'point_count'], layout: { 'text-field': ['get', 'point_count_abbreviated'], 'text-size': 11, 'text-allow-overlap': true }, paint: { 'text-color': '#fff' } },
    { id: 'points', type: 'circle', source: 'p', filter: ['!', ['has', 'point_count']], paint: { 'circle-color': '#2f8f5b', 'circle-radius': 5.5, 'circle-stroke-color': '#fff', 'circle-stroke-width': 1.5 } },
  );
}
const map = new Map({ container: 'map', style, center: ${JSON.stringify(o.center)}, zoom: ${o.zoom}, attributionControl: false });
window.__depotdeskMap = map;
map.once('idle', () => { window.__plainReady = performance.now(); });
</script></body></html>`;
}

/** Routes the fake origin to the page, maplibre's dist files and the points. */
export async function servePlain(context: BrowserContext, root: string, o: PlainOptions): Promise<void> {
  const dist = path.join(root, 'node_modules/maplibre-gl/dist');
  const types: Record<string, string> = {
    '.mjs': 'text/javascript',
    '.css': 'text/css',
    '.json': 'application/json',
    '.html': 'text/html',
  };
  await context.unroute(`${ORIGIN}/**`);
  await context.route(`${ORIGIN}/**`, (route) => {
    const p = new URL(route.request().url()).pathname;
    if (p === '/' || p === '/index.html') return route.fulfill({ contentType: types['.html'], body: html(o) });
    if (p === '/points.json') return route.fulfill({ contentType: types['.json'], body: JSON.stringify(o.points) });
    const file = path.join(dist, path.basename(p));
    if (!fs.existsSync(file)) return route.fulfill({ status: 404, body: '' });
    return route.fulfill({ contentType: types[path.extname(file)] ?? 'application/octet-stream', body: fs.readFileSync(file) });
  });
}

/** Navigation → the plain map's first idle (style, the points clustered and drawn), ms. */
export async function openPlain(page: Page): Promise<number> {
  const t0 = performance.now();
  await page.goto(`${ORIGIN}/`);
  await page.waitForFunction(() => (globalThis as unknown as { __plainReady?: number }).__plainReady !== undefined, undefined, {
    timeout: 120_000,
    polling: 50,
  });
  return performance.now() - t0;
}
