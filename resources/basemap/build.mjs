#!/usr/bin/env node
// Regenerates the offline basemap in this folder from Natural Earth (public domain), as packaged
// by `world-atlas` (TopoJSON) and decoded with `topojson-client` (both devDependencies):
//
//   node resources/basemap/build.mjs
//
// Output (committed, so the host serves a basemap with no network and no build step):
//   world-land.geojson        Natural Earth 1:50m land, whole world (zoomed-out context)
//   world-boundaries.geojson  1:50m land borders between countries
//   region-land.geojson       1:10m land clipped to the British Isles and the near continent
//   region-boundaries.geojson 1:10m borders, same clip
// Natural Earth is coarse at city zoom (≈ 1 km): the console draws the depot's own locations on
// top as the detail (renderer/shared/map/basemap-style.ts).
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { feature, mesh } from 'topojson-client';

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const atlas = (name) => JSON.parse(fs.readFileSync(require.resolve(`world-atlas/${name}`), 'utf8'));

/** [west, south, east, north]: Ireland to Denmark, Brittany to Shetland. */
const REGION = [-11, 47.5, 10, 61];

const round = (digits) => {
  const f = 10 ** digits;
  return ([x, y]) => [Math.round(x * f) / f, Math.round(y * f) / f];
};

/** Sutherland–Hodgman: one ring clipped to an axis-aligned box (stays closed; may run along the edge). */
function clipRing(ring, [w, s, e, n]) {
  const edges = [
    [(p) => p[0] >= w, (a, b) => [w, a[1] + ((b[1] - a[1]) * (w - a[0])) / (b[0] - a[0])]],
    [(p) => p[0] <= e, (a, b) => [e, a[1] + ((b[1] - a[1]) * (e - a[0])) / (b[0] - a[0])]],
    [(p) => p[1] >= s, (a, b) => [a[0] + ((b[0] - a[0]) * (s - a[1])) / (b[1] - a[1]), s]],
    [(p) => p[1] <= n, (a, b) => [a[0] + ((b[0] - a[0]) * (n - a[1])) / (b[1] - a[1]), n]],
  ];
  let out = ring;
  for (const [inside, cut] of edges) {
    const input = out;
    out = [];
    for (let i = 0; i < input.length; i++) {
      const cur = input[i];
      const prev = input[(i + input.length - 1) % input.length];
      if (inside(cur)) {
        if (!inside(prev)) out.push(cut(prev, cur));
        out.push(cur);
      } else if (inside(prev)) out.push(cut(prev, cur));
    }
    if (!out.length) return [];
  }
  if (out.length && (out[0][0] !== out.at(-1)[0] || out[0][1] !== out.at(-1)[1])) out.push(out[0]);
  return out.length >= 4 ? out : [];
}

/** Liang–Barsky per segment; consecutive inside pieces are joined back into one line. */
function clipLine(line, [w, s, e, n]) {
  const parts = [];
  let current = null;
  for (let i = 1; i < line.length; i++) {
    const [x0, y0] = line[i - 1];
    const [x1, y1] = line[i];
    const dx = x1 - x0;
    const dy = y1 - y0;
    let t0 = 0;
    let t1 = 1;
    let ok = true;
    for (const [p, q] of [[-dx, x0 - w], [dx, e - x0], [-dy, y0 - s], [dy, n - y0]]) {
      if (p === 0) {
        if (q < 0) ok = false;
      } else {
        const r = q / p;
        if (p < 0) t0 = Math.max(t0, r);
        else t1 = Math.min(t1, r);
      }
    }
    if (!ok || t0 > t1) {
      current = null;
      continue;
    }
    const a = [x0 + t0 * dx, y0 + t0 * dy];
    const b = [x0 + t1 * dx, y0 + t1 * dy];
    if (!current || t0 > 0) {
      current = [a];
      parts.push(current);
    }
    current.push(b);
    if (t1 < 1) current = null;
  }
  return parts.filter((p) => p.length >= 2);
}

function polygons(geometry) {
  if (geometry.type === 'Polygon') return [geometry.coordinates];
  if (geometry.type === 'MultiPolygon') return geometry.coordinates;
  return [];
}

function lines(geometry) {
  if (geometry.type === 'LineString') return [geometry.coordinates];
  if (geometry.type === 'MultiLineString') return geometry.coordinates;
  return [];
}

function landCollection(topo, bbox, digits) {
  const fc = feature(topo, topo.objects.land);
  const features = fc.type === 'FeatureCollection' ? fc.features : [fc];
  const out = [];
  for (const f of features) {
    for (const poly of polygons(f.geometry)) {
      const rings = (bbox ? poly.map((r) => clipRing(r, bbox)) : poly).filter((r) => r.length >= 4);
      if (!rings.length) continue;
      out.push({ type: 'Feature', properties: {}, geometry: { type: 'Polygon', coordinates: rings.map((r) => r.map(round(digits))) } });
    }
  }
  return { type: 'FeatureCollection', features: out };
}

function boundaryCollection(topo, bbox, digits) {
  // Borders between two countries only; coastlines are the land fill's own edge.
  const geometry = mesh(topo, topo.objects.countries, (a, b) => a !== b);
  const parts = lines(geometry).flatMap((l) => (bbox ? clipLine(l, bbox) : [l]));
  return {
    type: 'FeatureCollection',
    features: [{ type: 'Feature', properties: {}, geometry: { type: 'MultiLineString', coordinates: parts.map((l) => l.map(round(digits))) } }],
  };
}

function write(name, fc) {
  const file = path.join(here, name);
  fs.writeFileSync(file, JSON.stringify(fc));
  console.log(`${name}: ${(fs.statSync(file).size / 1024).toFixed(0)} KB, ${fc.features.length} features`);
}

write('world-land.geojson', landCollection(atlas('land-50m.json'), null, 3));
write('world-boundaries.geojson', boundaryCollection(atlas('countries-50m.json'), null, 3));
write('region-land.geojson', landCollection(atlas('land-10m.json'), REGION, 4));
write('region-boundaries.geojson', boundaryCollection(atlas('countries-10m.json'), REGION, 4));
