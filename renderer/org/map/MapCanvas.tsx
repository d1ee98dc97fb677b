import { useEffect, useRef, useState } from 'react';
import {
  AttributionControl,
  Map as MapLibre,
  NavigationControl,
  Popup,
  ScaleControl,
  setWorkerUrl,
  type GeoJSONSource,
  type MapGeoJSONFeature,
  type MapLayerMouseEvent,
} from 'maplibre-gl';
import 'maplibre-gl/dist/maplibre-gl.css';
// maplibre 6 does not bundle its worker under Vite: point it at the file (TOOLCHAIN.md).
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';
import { offlineBasemap } from '../../shared/map/basemap-style';
import type { Bounds } from './features';
import { INTERACTIVE, LAYERS, SOURCES } from './layers';
import { depotPopup, workPopup, clusterTip, type PopupText } from './popups';

setWorkerUrl(workerUrl);

declare global {
  interface Window {
    /** The managers' map instance, for end-to-end tests (wait for idle, query rendered features). */
    __depotdeskOrgMap?: MapLibre;
  }
}

export interface MapCanvasProps {
  work: GeoJSON.FeatureCollection;
  depots: GeoJSON.FeatureCollection;
  bounds: Bounds | null;
  /** The camera fits the data again whenever this changes (another depot picked), not on every refresh. */
  fitKey: string;
  text: PopupText;
  /** A work order picked in the list beside the map: fly there and open its popup. */
  focus: { id: string; lon: number; lat: number; nonce: number } | null;
  onOpenDepot(id: string): void;
}

const START: { center: [number, number]; zoom: number } = { center: [-2.55, 51.45], zoom: 6 };
/** Room for the legend on the left. */
const FIT_PADDING = { top: 40, bottom: 40, left: 280, right: 60 };

/**
 * The maplibre widget. Data comes in as props (STYLE 12) and goes into GeoJSON sources with setData;
 * it fetches nothing itself. data-state="ready" once the style and the data are in and the map has
 * drawn them (gone idle).
 */
export function MapCanvas({ work, depots, bounds, fitKey, text, focus, onOpenDepot }: MapCanvasProps) {
  const container = useRef<HTMLDivElement>(null);
  const mapRef = useRef<MapLibre | null>(null);
  const popupRef = useRef<Popup | null>(null);
  const popupOpener = useRef<((at: [number, number], content: HTMLElement) => void) | null>(null);
  const latest = useRef({ text, onOpenDepot, work });
  latest.current = { text, onOpenDepot, work };
  const [styled, setStyled] = useState(false);
  const [ready, setReady] = useState(false);
  const fitted = useRef<string | null>(null);

  useEffect(() => {
    if (!container.current) return;
    const map = new MapLibre({
      container: container.current,
      style: offlineBasemap(),
      center: START.center,
      zoom: START.zoom,
      attributionControl: false,
    });
    mapRef.current = map;
    window.__depotdeskOrgMap = map;
    map.addControl(new NavigationControl({ showCompass: false }), 'top-right');
    map.addControl(new ScaleControl({ unit: 'metric' }), 'bottom-left');
    map.addControl(new AttributionControl({ compact: true, customAttribution: 'Natural Earth' }), 'bottom-right');
    map.on('style.load', () => {
      for (const [id, spec] of Object.entries(SOURCES)) if (!map.getSource(id)) map.addSource(id, spec);
      for (const layer of LAYERS) if (!map.getLayer(layer.id)) map.addLayer(layer);
      setStyled(true);
    });

    // Hover: a light tooltip for clusters; click: a popup that stays (work order, depot) or a zoom (cluster).
    const tip = new Popup({ closeButton: false, closeOnClick: false, offset: 12, className: 'org-map-tip' });
    const popup = (at: [number, number], content: HTMLElement) => {
      // A new popup each time: a reused one would be closed again by its own closeOnClick, which
      // runs after this click's layer handlers have opened it.
      popupRef.current?.remove();
      popupRef.current = new Popup({ closeButton: true, closeOnClick: true, offset: 12, className: 'org-map-popup', maxWidth: '300px' })
        .setLngLat(at)
        .setDOMContent(content)
        .addTo(map);
    };
    popupOpener.current = popup;
    for (const layer of INTERACTIVE) {
      map.on('mouseenter', layer, () => (map.getCanvas().style.cursor = 'pointer'));
      map.on('mouseleave', layer, () => {
        map.getCanvas().style.cursor = '';
        tip.remove();
      });
    }
    map.on('mousemove', 'work-clusters', (e: MapLayerMouseEvent) => {
      const f = e.features?.[0];
      if (f) tip.setLngLat(e.lngLat).setDOMContent(clusterTip(f.properties, latest.current.text)).addTo(map);
    });
    const pointAt = (f: MapGeoJSONFeature): [number, number] | null =>
      f.geometry.type === 'Point' ? (f.geometry.coordinates as [number, number]) : null;
    map.on('click', 'work-clusters', (e) => {
      const f = e.features?.[0];
      const center = f && pointAt(f);
      // A depot marker on top of the cluster takes the click (the map-wide handler below opens its popup).
      if (!f || !center || map.queryRenderedFeatures(e.point, { layers: ['depots-dot'] }).length) return;
      void (map.getSource('open-work') as GeoJSONSource)
        .getClusterExpansionZoom(f.properties.cluster_id as number)
        .then((zoom) => map.easeTo({ center, zoom: zoom + 0.2 }));
    });
    // A depot drawn over work: its popup wins (its layer is on top), not both at once.
    map.on('click', (e) => {
      const [f] = map.queryRenderedFeatures(e.point, { layers: ['depots-dot', 'work-points'] });
      const at = f && pointAt(f);
      if (!f || !at) return;
      const { text, onOpenDepot } = latest.current;
      popup(at, f.layer.id === 'depots-dot' ? depotPopup(f.properties, text, onOpenDepot) : workPopup(f.properties, text));
    });

    return () => {
      tip.remove();
      popupRef.current?.remove();
      map.remove();
      mapRef.current = null;
      popupRef.current = null;
      popupOpener.current = null;
      if (window.__depotdeskOrgMap === map) delete window.__depotdeskOrgMap;
    };
  }, []);

  // Data into the sources on every change; the camera fits only when the scope changes.
  useEffect(() => {
    const map = mapRef.current;
    if (!map || !styled) return;
    (map.getSource('open-work') as GeoJSONSource | undefined)?.setData(work);
    (map.getSource('depots') as GeoJSONSource | undefined)?.setData(depots);
    if (bounds && fitted.current !== fitKey) {
      fitted.current = fitKey;
      map.fitBounds(bounds, { padding: FIT_PADDING, animate: false, maxZoom: 13 });
    }
    setReady(false);
    let cancelled = false;
    map.once('idle', () => !cancelled && setReady(true));
    // A map that is already idle fires no new idle without a repaint.
    map.triggerRepaint();
    return () => {
      cancelled = true;
    };
  }, [work, depots, bounds, fitKey, styled]);

  useEffect(() => {
    const map = mapRef.current;
    if (!map || !focus) return;
    map.flyTo({ center: [focus.lon, focus.lat], zoom: Math.max(map.getZoom(), 16.5) });
    const feature = (latest.current.work.features as GeoJSON.Feature<GeoJSON.Point>[]).find((f) => f.properties?.id === focus.id);
    if (feature)
      popupOpener.current?.(feature.geometry.coordinates as [number, number], workPopup(feature.properties ?? {}, latest.current.text));
    // Only a new pick moves the camera; a data refresh for the same pick does not.
  }, [focus]);

  return (
    <div
      ref={container}
      className="org-map-canvas"
      data-testid="map-canvas"
      data-state={ready ? 'ready' : 'loading'}
      role="region"
      aria-label="Map of open work and depots"
    />
  );
}
