import { useDepotFormat } from '../../shared/locale/context';
import type { DepotFormat } from '../../shared/locale/format';
import { useEffect, useRef, useState } from 'react';
import {
  AttributionControl,
  Map as MapLibre,
  NavigationControl,
  Popup,
  ScaleControl,
  setWorkerUrl,
  type GeoJSONSource,
  type LngLatBoundsLike,
  type MapLayerMouseEvent,
  type StyleSpecification,
} from 'maplibre-gl';
import 'maplibre-gl/dist/maplibre-gl.css';
// maplibre 6 does not bundle its worker under Vite: point it at the file (TOOLCHAIN.md).
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';
import { getToken } from '../../shared/api/client';
import { SLA_LABEL, STATUS_LABEL } from '../../shared/work-orders/labels';
import { addWorld, graticule, offlineBasemap, regionLayers, type RegionSource } from '../../shared/map/basemap-style';
import { LAYER_GROUPS, OVERLAY_SOURCES, type OverlayId } from './layers';
import { OVERLAY_LAYERS } from './overlay-layers';
import type { WorkOrderFeature } from './work-order-features';

setWorkerUrl(workerUrl);

declare global {
  interface Window {
    /** The live map instance, for end-to-end tests and the bench (project a point, wait for idle). */
    __depotdeskMap?: MapLibre;
  }
}

export interface MapData {
  locations: GeoJSON.FeatureCollection;
  areas: GeoJSON.FeatureCollection;
  /** By work-order id; an unchanged work order keeps its feature object (pushWorkOrders diffs by identity). */
  workOrders: ReadonlyMap<string, WorkOrderFeature>;
  vehicles: GeoJSON.FeatureCollection;
  crews: GeoJSON.FeatureCollection;
  /** Where to look first: the depot's locations. */
  bounds: [number, number, number, number] | null;
}

export interface BaseChoice {
  base: 'offline' | 'online';
  styleUrl: string;
  region: RegionSource | null;
}

interface Props {
  baseChoice: BaseChoice;
  data: MapData | null;
  visible: Record<OverlayId, boolean>;
  onOpenWorkOrder: (id: string) => void;
  /** The online style could not be loaded (no network, bad URL): the offline basemap is shown instead. */
  onFallback: (message: string) => void;
}

const DEMO_CENTER: [number, number] = [-2.55, 51.45];
/** Room for the legend panel on the left. */
const FIT_PADDING = { top: 30, bottom: 30, left: 260, right: 60 };

/** Below this zoom the world's coarse land is drawn: its 1.4 MB are loaded only when the map goes there. */
const WORLD_BELOW_ZOOM = 6;

function baseStyle(choice: BaseChoice, forceOffline: boolean, zoom: number): StyleSpecification | string {
  if (choice.base === 'online' && choice.styleUrl && !forceOffline) return choice.styleUrl;
  const style = offlineBasemap({ world: zoom < WORLD_BELOW_ZOOM });
  if (choice.region) {
    const { source, layers } = regionLayers(choice.region);
    style.sources.region = source;
    style.layers.push(...layers);
  }
  return style;
}

/**
 * The maplibre widget. It gets its data as props (STYLE 12) and pushes them into GeoJSON sources
 * with setData; it never fetches data itself. data-state="ready" once the style, the overlays and
 * the first data are loaded and the map has gone idle (rendered).
 */
export function MapCanvas({ baseChoice, data, visible, onOpenWorkOrder, onFallback }: Props) {
  const container = useRef<HTMLDivElement>(null);
  const mapRef = useRef<MapLibre | null>(null);
  const fmt = useDepotFormat();
  const latest = useRef({ data, visible, onOpenWorkOrder, onFallback, fmt });
  latest.current = { data, visible, onOpenWorkOrder, onFallback, fmt };
  const [ready, setReady] = useState(false);
  const fitted = useRef(false);
  const pushed = useRef(new Map<string, unknown>());
  /** The camera survives a change of basemap (the map is rebuilt then). */
  const camera = useRef<{ center: [number, number]; zoom: number } | null>(null);
  const [styled, setStyled] = useState(0);

  // One map per base choice; overlays are (re-)added whenever a style finishes loading.
  useEffect(() => {
    if (!container.current) return;
    let fellBack = false;
    const zoom = camera.current?.zoom ?? 9.5;
    const map = new MapLibre({
      container: container.current,
      style: baseStyle(baseChoice, false, zoom),
      center: camera.current?.center ?? DEMO_CENTER,
      zoom,
      attributionControl: false,
      // Region tiles come from the host's API, which wants the sign-in token.
      transformRequest: (url) =>
        url.startsWith(`${location.origin}/api/`) ? { url, headers: { authorization: `Bearer ${getToken() ?? ''}` } } : { url },
    });
    mapRef.current = map;
    window.__depotdeskMap = map;
    map.addControl(new NavigationControl({ showCompass: false }), 'top-right');
    map.addControl(new ScaleControl({ unit: 'metric' }), 'bottom-left');
    map.addControl(new AttributionControl({ compact: true, customAttribution: 'Natural Earth' }), 'bottom-right');

    map.on('style.load', () => {
      for (const [id, spec] of Object.entries(OVERLAY_SOURCES)) if (!map.getSource(id)) map.addSource(id, spec);
      for (const layer of OVERLAY_LAYERS) if (!map.getLayer(layer.id)) map.addLayer(layer);
      pushVisibility(map, latest.current.visible);
      if (map.getZoom() < WORLD_BELOW_ZOOM) addWorld(map);
      pushed.current.clear(); // a new style starts with empty sources
      setStyled((n) => n + 1);
    });
    map.on('error', (e) => {
      // An online style that cannot be reached leaves a blank map: fall back to the offline one.
      if (!fellBack && baseChoice.base === 'online' && !map.isStyleLoaded()) {
        fellBack = true;
        latest.current.onFallback(
          `The online map style could not be loaded (${e.error?.message ?? 'no network'}); showing the offline basemap.`,
        );
        map.setStyle(baseStyle(baseChoice, true, map.getZoom()));
      }
    });
    map.on('zoom', () => {
      if (map.getZoom() < WORLD_BELOW_ZOOM && map.isStyleLoaded()) addWorld(map);
    });

    const pointer = () => (map.getCanvas().style.cursor = 'pointer');
    const plain = () => (map.getCanvas().style.cursor = '');
    const popup = new Popup({ closeButton: false, closeOnClick: false, offset: 10, className: 'map-tip' });
    const hoverable = ['wo-points', 'wo-clusters', 'vehicles-dot', 'crews-dot', 'depots-dot', 'locations-dot'];
    for (const layer of hoverable) {
      map.on('mouseenter', layer, pointer);
      map.on('mouseleave', layer, () => {
        plain();
        popup.remove();
      });
      map.on('mousemove', layer, (e: MapLayerMouseEvent) => {
        const f = e.features?.[0];
        if (!f) return;
        popup
          .setLngLat(e.lngLat)
          .setHTML(tooltip(layer, f.properties, latest.current.fmt))
          .addTo(map);
      });
    }
    map.on('click', 'wo-points', (e) => {
      const id = e.features?.[0]?.properties.id as string | undefined;
      if (id) latest.current.onOpenWorkOrder(id);
    });
    map.on('click', 'crews-dot', (e) => {
      const id = e.features?.[0]?.properties.workOrderId as string | undefined;
      if (id) latest.current.onOpenWorkOrder(id);
    });
    map.on('click', 'wo-clusters', (e) => {
      const f = e.features?.[0];
      if (!f || f.geometry.type !== 'Point') return;
      const center = f.geometry.coordinates as [number, number];
      void (map.getSource('work-orders') as GeoJSONSource)
        .getClusterExpansionZoom(f.properties.cluster_id as number)
        .then((zoom) => map.easeTo({ center, zoom: zoom + 0.2 }));
    });

    return () => {
      camera.current = { center: map.getCenter().toArray() as [number, number], zoom: map.getZoom() };
      popup.remove();
      map.remove();
      mapRef.current = null;
      if (window.__depotdeskMap === map) delete window.__depotdeskMap;
      setReady(false);
    };
    // The whole map is rebuilt when the base choice changes; data and toggles flow in below.
  }, [baseChoice.base, baseChoice.styleUrl, baseChoice.region]);

  // Data flows into the GeoJSON sources whenever it changes, and again after a style (re)load.
  useEffect(() => {
    const map = mapRef.current;
    if (!map || !data || !map.getSource('work-orders')) return;
    pushData(map, data, pushed.current);
    if (!fitted.current && data.bounds) {
      fitted.current = true;
      map.fitBounds(data.bounds as LngLatBoundsLike, { padding: FIT_PADDING, animate: false, maxZoom: 13 });
    }
    let cancelled = false;
    map.once('idle', () => !cancelled && setReady(true));
    // A map that is already idle fires no new idle without a repaint.
    map.triggerRepaint();
    return () => {
      cancelled = true;
    };
  }, [data, styled]);

  useEffect(() => {
    const map = mapRef.current;
    if (map?.getLayer('wo-points')) pushVisibility(map, visible);
  }, [visible]);

  return <div ref={container} className="map-canvas" data-testid="map-canvas" data-state={ready && data ? 'ready' : 'loading'} />;
}

/**
 * Sends each source only what changed since the last push (by identity): live vehicle positions
 * arrive several times a second, and re-sending 10,000 clustered work orders with each would keep
 * the map from ever going idle. `pushed` is cleared when the style reloads (sources start empty).
 */
function pushData(map: MapLibre, data: MapData | null, pushed: Map<string, unknown>): void {
  if (!data) return;
  const bounds = data.bounds;
  const send = (id: string, value: Parameters<GeoJSONSource['setData']>[0]) => {
    if (pushed.get(id) === value) return;
    const source = map.getSource(id) as GeoJSONSource | undefined;
    if (!source) return;
    source.setData(value);
    pushed.set(id, value);
  };
  send('locations', data.locations);
  send('areas', data.areas);
  const workOrders = map.getSource('work-orders') as GeoJSONSource | undefined;
  if (workOrders && pushed.get('work-orders') !== data.workOrders) {
    pushWorkOrders(workOrders, data.workOrders, pushed.get('work-orders') as ReadonlyMap<string, WorkOrderFeature> | undefined);
    pushed.set('work-orders', data.workOrders);
  }
  send('vehicles', data.vehicles);
  send('crews', data.crews);
  if (bounds && pushed.get('graticule') !== bounds) {
    pushed.set('graticule', bounds);
    const pad = 0.3;
    (map.getSource('graticule') as GeoJSONSource | undefined)?.setData(
      graticule([bounds[0] - pad, bounds[1] - pad, bounds[2] + pad, bounds[3] + pad], 0.05),
    );
  }
}

/**
 * The work orders as a diff against what the source already holds: a live change sends maplibre the
 * few features that changed (updateData: the worker re-indexes only those) instead of re-sending,
 * re-parsing and re-clustering all 10,000. The first push, or a change to most of them (a new
 * filter), replaces the data.
 */
function pushWorkOrders(
  source: GeoJSONSource,
  next: ReadonlyMap<string, WorkOrderFeature>,
  prev: ReadonlyMap<string, WorkOrderFeature> | undefined,
): void {
  if (prev) {
    const add: WorkOrderFeature[] = [];
    const remove: string[] = [];
    for (const [id, f] of next) if (prev.get(id) !== f) add.push(f);
    for (const id of prev.keys()) if (!next.has(id)) remove.push(id);
    if (add.length + remove.length === 0) return;
    if (add.length + remove.length < Math.max(50, next.size / 4)) {
      // `add` replaces a feature with the same id (promoteId "id" on the source).
      void source.updateData({ add, remove });
      return;
    }
  }
  source.setData({ type: 'FeatureCollection', features: [...next.values()] });
}

function pushVisibility(map: MapLibre, visible: Record<OverlayId, boolean>): void {
  for (const [group, layers] of Object.entries(LAYER_GROUPS) as [OverlayId, string[]][]) {
    for (const id of layers) if (map.getLayer(id)) map.setLayoutProperty(id, 'visibility', visible[group] ? 'visible' : 'none');
  }
}

const escape = (s: unknown) => String(s ?? '').replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function tooltip(layer: string, p: Record<string, unknown>, fmt: DepotFormat): string {
  switch (layer) {
    case 'wo-points':
      return `<b>${escape(p.number)}</b> ${escape(p.title)}<br><span class="muted">${escape(STATUS_LABEL[String(p.status)])} · ${escape(p.priority)} · ${escape(SLA_LABEL[String(p.sla)] ?? 'No SLA')}</span>`;
    case 'wo-clusters':
      return `<b>${escape(p.point_count)}</b> open work orders${Number(p.breached) ? ` · <span class="tip-breach">${escape(p.breached)} breached</span>` : ''}<br><span class="muted">Click to zoom in</span>`;
    case 'vehicles-dot':
      return `<b>${escape(p.callSign)}</b><br><span class="muted">Last fix ${escape(fmt.dateTime(String(p.at)))}${p.stale ? ' (old)' : ''}</span>`;
    case 'crews-dot':
      return `<b>${escape(p.name)}</b><br><span class="muted">On site for ${escape(p.number)}</span>`;
    default:
      return `<b>${escape(p.name)}</b>`;
  }
}
