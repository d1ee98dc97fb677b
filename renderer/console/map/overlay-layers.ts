import type { ExpressionSpecification, LayerSpecification } from 'maplibre-gl';
import { BASEMAP_COLORS } from '../../shared/map/basemap-style';
import { CREW_COLOR, SLA_COLORS, VEHICLE_COLOR } from './layers';

/** How the map's overlays are drawn (sources and features: layers.ts). */

const RANK_COLOR: ExpressionSpecification = [
  'match',
  ['get', 'worst'],
  4,
  SLA_COLORS.breached,
  3,
  SLA_COLORS.at_risk,
  2,
  SLA_COLORS.ok,
  1,
  SLA_COLORS.met,
  SLA_COLORS.none,
];
const TEXT_HALO = { 'text-halo-color': 'rgba(255,255,255,0.92)', 'text-halo-width': 1.4 } as const;

const LAYERS: LayerSpecification[] = [
  { id: 'graticule', type: 'line', source: 'graticule', minzoom: 8, paint: { 'line-color': BASEMAP_COLORS.graticule, 'line-width': 1 } },
  {
    id: 'areas-fill',
    type: 'fill',
    source: 'areas',
    // Only in the overview: a fill over the whole view is a full-screen pass per frame, ~17 ms of a
    // pan's 150 ms in software WebGL (bench/console-map.ts); closer in, the dashed outline says enough.
    maxzoom: 10,
    paint: { 'fill-color': BASEMAP_COLORS.area, 'fill-opacity': ['interpolate', ['linear'], ['zoom'], 8, 0.07, 14, 0.03] },
  },
  {
    id: 'areas-line',
    type: 'line',
    source: 'areas',
    paint: { 'line-color': BASEMAP_COLORS.area, 'line-opacity': 0.35, 'line-width': 1, 'line-dasharray': [4, 3] },
  },
  {
    id: 'locations-dot',
    type: 'circle',
    source: 'locations',
    filter: ['!', ['get', 'depot']],
    paint: {
      'circle-radius': ['interpolate', ['linear'], ['zoom'], 9, 1.5, 15, 4],
      'circle-color': '#ffffff',
      'circle-stroke-color': '#8696a8',
      'circle-stroke-width': 1,
    },
  },
  {
    id: 'locations-label',
    type: 'symbol',
    source: 'locations',
    minzoom: 14,
    filter: ['!', ['get', 'depot']],
    layout: { 'text-field': ['get', 'name'], 'text-size': 11, 'text-offset': [0, 1.1], 'text-anchor': 'top', 'text-optional': true },
    paint: { 'text-color': '#66768a', ...TEXT_HALO },
  },
  {
    id: 'depots-dot',
    type: 'circle',
    source: 'locations',
    filter: ['get', 'depot'],
    // A ring, drawn above the clusters: a depot's own yard often holds a cluster, whose count stays
    // readable inside the ring instead of being hidden under a solid dot.
    paint: {
      'circle-radius': 9,
      'circle-color': 'rgba(255, 255, 255, 0)',
      'circle-stroke-color': '#1d2a38',
      'circle-stroke-width': 3,
    },
  },
  {
    id: 'depots-label',
    type: 'symbol',
    source: 'locations',
    filter: ['get', 'depot'],
    // Always shown, and placed first (top of LAYER_ORDER), so the labels below make room for it.
    layout: { 'text-field': ['get', 'name'], 'text-size': 13, 'text-offset': [0, 1.1], 'text-anchor': 'top', 'text-allow-overlap': true },
    paint: { 'text-color': '#1d2a38', 'text-halo-color': '#ffffff', 'text-halo-width': 2 },
  },
  {
    id: 'wo-clusters',
    type: 'circle',
    source: 'work-orders',
    filter: ['has', 'point_count'],
    paint: {
      'circle-color': RANK_COLOR,
      'circle-opacity': 0.88,
      'circle-radius': ['step', ['get', 'point_count'], 12, 10, 15, 50, 19, 200, 24, 1000, 30],
      'circle-stroke-color': '#ffffff',
      'circle-stroke-width': 2,
    },
  },
  {
    id: 'wo-cluster-count',
    type: 'symbol',
    source: 'work-orders',
    filter: ['has', 'point_count'],
    // Always drawn, and they keep their room: a van's or a crew's name moves to a free side of its dot
    // (or waits for a closer zoom) rather than print over a count. Only a depot's name may cover one.
    layout: { 'text-field': ['get', 'point_count_abbreviated'], 'text-size': 11, 'text-allow-overlap': true },
    paint: { 'text-color': '#ffffff' },
  },
  {
    id: 'wo-points',
    type: 'circle',
    source: 'work-orders',
    filter: ['!', ['has', 'point_count']],
    paint: {
      'circle-color': [
        'match',
        ['get', 'sla'],
        'breached',
        SLA_COLORS.breached,
        'at_risk',
        SLA_COLORS.at_risk,
        'ok',
        SLA_COLORS.ok,
        'met',
        SLA_COLORS.met,
        SLA_COLORS.none,
      ],
      'circle-radius': ['case', ['get', 'critical'], 7, 5.5],
      'circle-stroke-color': ['case', ['get', 'critical'], '#1d2a38', '#ffffff'],
      'circle-stroke-width': 1.5,
    },
  },
  {
    id: 'wo-labels',
    type: 'symbol',
    source: 'work-orders',
    minzoom: 16,
    filter: ['!', ['has', 'point_count']],
    layout: { 'text-field': ['get', 'number'], 'text-size': 10, 'text-offset': [0, 1.2], 'text-anchor': 'top', 'text-optional': true },
    paint: { 'text-color': '#1f2933', ...TEXT_HALO },
  },
  {
    id: 'crews-dot',
    type: 'circle',
    source: 'crews',
    paint: {
      'circle-radius': 6,
      'circle-color': CREW_COLOR,
      'circle-stroke-color': '#ffffff',
      'circle-stroke-width': 2,
      'circle-translate': [9, -9],
    },
  },
  {
    id: 'crews-label',
    type: 'symbol',
    source: 'crews',
    minzoom: 12,
    // The dot is drawn up and right of the site (circle-translate); the name tries the free side of it.
    layout: {
      'text-field': ['get', 'name'],
      'text-size': 11,
      'text-variable-anchor': ['left', 'right', 'bottom-left', 'top-left'],
      'text-radial-offset': 1.2,
      'text-padding': 2,
    },
    paint: { 'text-color': CREW_COLOR, 'text-translate': [9, -9], ...TEXT_HALO },
  },
  {
    id: 'vehicles-dot',
    type: 'circle',
    source: 'vehicles',
    paint: {
      'circle-radius': 6,
      'circle-color': VEHICLE_COLOR,
      'circle-opacity': ['case', ['get', 'stale'], 0.45, 1],
      'circle-stroke-color': '#9cc3ee',
      'circle-stroke-width': 2,
    },
  },
  {
    id: 'vehicles-label',
    type: 'symbol',
    source: 'vehicles',
    minzoom: 10,
    // Vans parked together used to print their call signs over one another: each label now tries
    // four sides of its dot and is left out only when none is free (hover still names the van).
    layout: {
      'text-field': ['get', 'callSign'],
      'text-size': 11,
      'text-variable-anchor': ['bottom', 'top', 'right', 'left'],
      'text-radial-offset': 1,
      'text-padding': 2,
    },
    paint: { 'text-color': VEHICLE_COLOR, ...TEXT_HALO },
  },
];

/**
 * Drawing order, bottom to top. Circles first, so no bubble covers a label; the depots' rings above
 * the clusters (a depot is where the day starts, and its yard often holds a cluster). Labels after
 * them in rising priority: maplibre places symbols from the top layer down, so a depot's name is
 * placed first, then the cluster counts, and a van's name, a crew's, a site's find room around them.
 */
const LAYER_ORDER = [
  'graticule',
  'areas-fill',
  'areas-line',
  'locations-dot',
  'wo-clusters',
  'wo-points',
  'crews-dot',
  'vehicles-dot',
  'depots-dot',
  'wo-labels',
  'locations-label',
  'crews-label',
  'vehicles-label',
  'wo-cluster-count',
  'depots-label',
] as const;

export const OVERLAY_LAYERS: LayerSpecification[] = LAYER_ORDER.map((id) => {
  const layer = LAYERS.find((l) => l.id === id);
  if (!layer) throw new Error(`overlay-layers: no layer "${id}"`);
  return layer;
});
