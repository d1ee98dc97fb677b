import { useEffect, useRef } from 'react';
import { Map as MapLibre, Marker, setWorkerUrl, type GeoJSONSource, type StyleSpecification } from 'maplibre-gl';
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';
import 'maplibre-gl/dist/maplibre-gl.css';
import { offlineBasemap } from '../../shared/map/basemap-style';

// maplibre's worker is not bundled automatically (TOOLCHAIN.md): point it at Vite's copy.
setWorkerUrl(workerUrl);

export interface PickerPoint {
  lat: number;
  lon: number;
  name: string;
}

/**
 * Works with no network: the map view's offline Natural-Earth basemap (served by the host), the
 * org's existing locations as a circle layer for orientation, the picked point as a marker and the
 * geofence drawn as a circle. No remote tiles.
 */
function pickerStyle(): StyleSpecification {
  const empty = { type: 'FeatureCollection' as const, features: [] };
  const base = offlineBasemap();
  return {
    ...base,
    sources: { ...base.sources, others: { type: 'geojson', data: empty }, fence: { type: 'geojson', data: empty } },
    layers: [
      ...base.layers,
      {
        id: 'others',
        type: 'circle',
        source: 'others',
        paint: { 'circle-radius': 3.5, 'circle-color': '#7b8a9c', 'circle-stroke-color': '#fff', 'circle-stroke-width': 1 },
      },
      // Names from city zoom, so a click can be placed relative to known sites (no glyphs URL needed).
      {
        id: 'others-label',
        type: 'symbol',
        source: 'others',
        minzoom: 12,
        layout: { 'text-field': ['get', 'name'], 'text-size': 10, 'text-offset': [0, 0.9], 'text-anchor': 'top' },
        paint: { 'text-color': '#5b6b7d', 'text-halo-color': '#fff', 'text-halo-width': 1 },
      },
      { id: 'fence-fill', type: 'fill', source: 'fence', paint: { 'fill-color': '#2563a8', 'fill-opacity': 0.15 } },
      { id: 'fence-line', type: 'line', source: 'fence', paint: { 'line-color': '#2563a8', 'line-width': 1.5 } },
    ],
  };
}

/** A polygon approximating a circle of `radiusM` metres around a point (equirectangular, fine at geofence sizes). */
function circle(lat: number, lon: number, radiusM: number) {
  const coords: [number, number][] = [];
  const dLat = radiusM / 111_320;
  const dLon = radiusM / (111_320 * Math.max(0.01, Math.cos((lat * Math.PI) / 180)));
  for (let i = 0; i <= 64; i++) {
    const a = (i / 64) * 2 * Math.PI;
    coords.push([lon + dLon * Math.cos(a), lat + dLat * Math.sin(a)]);
  }
  return { type: 'Feature' as const, properties: {}, geometry: { type: 'Polygon' as const, coordinates: [coords] } };
}

const valid = (lat: number, lon: number) => Number.isFinite(lat) && Number.isFinite(lon) && Math.abs(lat) <= 90 && Math.abs(lon) <= 180;

export function LocationPicker({
  lat,
  lon,
  radiusM,
  others,
  onPick,
  readOnly,
}: {
  lat: number;
  lon: number;
  radiusM: number;
  others: PickerPoint[];
  onPick(lat: number, lon: number): void;
  readOnly?: boolean;
}) {
  const box = useRef<HTMLDivElement>(null);
  const map = useRef<MapLibre | null>(null);
  const marker = useRef<Marker | null>(null);
  const loaded = useRef(false);
  const pick = useRef(onPick);
  pick.current = onPick;
  const readOnlyRef = useRef(readOnly);
  readOnlyRef.current = readOnly;
  const latest = useRef({ lat, lon, radiusM, others });
  latest.current = { lat, lon, radiusM, others };

  const draw = () => {
    const m = map.current;
    if (!m || !loaded.current) return;
    const { lat: la, lon: lo, radiusM: r, others: pts } = latest.current;
    (m.getSource('others') as GeoJSONSource | undefined)?.setData({
      type: 'FeatureCollection',
      features: pts.map((p) => ({
        type: 'Feature',
        properties: { name: p.name },
        geometry: { type: 'Point', coordinates: [p.lon, p.lat] },
      })),
    });
    const ok = valid(la, lo);
    (m.getSource('fence') as GeoJSONSource | undefined)?.setData({
      type: 'FeatureCollection',
      features: ok && r > 0 ? [circle(la, lo, r)] : [],
    });
    if (ok) {
      if (!marker.current) {
        const mk = new Marker({ color: '#c0392b', draggable: !readOnlyRef.current }).setLngLat([lo, la]).addTo(m);
        // Dragging the pin is the other way to fine-tune, besides typing.
        mk.on('dragend', () => {
          const p = mk.getLngLat();
          pick.current(Number(p.lat.toFixed(6)), Number(p.lng.toFixed(6)));
        });
        marker.current = mk;
      } else marker.current.setLngLat([lo, la]);
    } else {
      marker.current?.remove();
      marker.current = null;
    }
  };

  useEffect(() => {
    if (!box.current) return;
    const { lat: la, lon: lo, others: pts } = latest.current;
    const m = new MapLibre({
      container: box.current,
      style: pickerStyle(),
      attributionControl: false,
      center: [0, 0],
      zoom: 1,
      dragRotate: false,
    });
    map.current = m;
    // Frame the picked point, or else the org's locations, so the picker opens somewhere useful.
    if (valid(la, lo)) m.jumpTo({ center: [lo, la], zoom: 13 });
    else if (pts.length) {
      const lats = pts.map((p) => p.lat);
      const lons = pts.map((p) => p.lon);
      m.fitBounds(
        [
          [Math.min(...lons), Math.min(...lats)],
          [Math.max(...lons), Math.max(...lats)],
        ],
        { padding: 24, duration: 0, maxZoom: 14 },
      );
    }
    m.on('load', () => {
      loaded.current = true;
      draw();
    });
    // Ready once the basemap and our layers have drawn (tests and screenshots wait on it).
    m.once('idle', () => box.current?.setAttribute('data-state', 'ready'));
    m.on('click', (e) => {
      if (!readOnly) pick.current(Number(e.lngLat.lat.toFixed(6)), Number(e.lngLat.lng.toFixed(6)));
    });
    return () => {
      marker.current = null;
      loaded.current = false;
      m.remove();
      map.current = null;
    };
    // The map is made once; later prop changes are drawn by the effect below.
  }, [readOnly]);

  useEffect(draw, [lat, lon, radiusM, others]);

  return <div ref={box} className={`adm-picker${readOnly ? '' : ' pickable'}`} data-testid="location-picker" data-state="loading" />;
}
