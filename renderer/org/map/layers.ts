import type { ExpressionSpecification, LayerSpecification, SourceSpecification } from 'maplibre-gl';

/**
 * The managers' map over the offline basemap: open work clustered (a cluster reddens with the share of
 * its work that is overdue), single jobs blue or red, depots as dark labelled markers on top.
 */

export const COLORS = { open: '#2563a8', overdue: '#c0392b', depot: '#1d2a38' } as const;

const EMPTY: GeoJSON.FeatureCollection = { type: 'FeatureCollection', features: [] };

export const SOURCES: Record<'open-work' | 'depots', SourceSpecification> = {
  'open-work': {
    type: 'geojson',
    data: EMPTY,
    cluster: true,
    clusterRadius: 42,
    clusterMaxZoom: 15,
    clusterProperties: { overdue: ['+', ['get', 'overdueN']] },
  },
  depots: { type: 'geojson', data: EMPTY },
};

const overdueShare: ExpressionSpecification = ['/', ['get', 'overdue'], ['max', 1, ['get', 'point_count']]];
const TEXT_HALO = { 'text-halo-color': 'rgba(255,255,255,0.92)', 'text-halo-width': 1.4 } as const;

/** Layers that answer the pointer (hover tooltip, click). */
export const INTERACTIVE = ['work-clusters', 'work-points', 'depots-dot'] as const;

export const LAYERS: LayerSpecification[] = [
  {
    id: 'work-clusters',
    type: 'circle',
    source: 'open-work',
    filter: ['has', 'point_count'],
    paint: {
      'circle-color': ['interpolate', ['linear'], overdueShare, 0, COLORS.open, 0.5, COLORS.overdue],
      'circle-opacity': 0.88,
      'circle-radius': ['step', ['get', 'point_count'], 12, 10, 15, 50, 19, 200, 24, 1000, 30],
      'circle-stroke-color': '#ffffff',
      'circle-stroke-width': 2,
    },
  },
  {
    id: 'work-cluster-count',
    type: 'symbol',
    source: 'open-work',
    filter: ['has', 'point_count'],
    layout: { 'text-field': ['get', 'point_count_abbreviated'], 'text-size': 11, 'text-allow-overlap': true },
    paint: { 'text-color': '#ffffff' },
  },
  {
    id: 'work-points',
    type: 'circle',
    source: 'open-work',
    filter: ['!', ['has', 'point_count']],
    paint: {
      'circle-color': ['case', ['get', 'overdue'], COLORS.overdue, COLORS.open],
      'circle-radius': ['case', ['==', ['get', 'priority'], 'critical'], 7, 5.5],
      'circle-stroke-color': '#ffffff',
      'circle-stroke-width': 1.5,
    },
  },
  {
    id: 'work-labels',
    type: 'symbol',
    source: 'open-work',
    minzoom: 16,
    filter: ['!', ['has', 'point_count']],
    layout: { 'text-field': ['get', 'number'], 'text-size': 10, 'text-offset': [0, 1.2], 'text-anchor': 'top', 'text-optional': true },
    paint: { 'text-color': '#1f2933', ...TEXT_HALO },
  },
  {
    id: 'depots-dot',
    type: 'circle',
    source: 'depots',
    paint: { 'circle-radius': 8, 'circle-color': COLORS.depot, 'circle-stroke-color': '#ffffff', 'circle-stroke-width': 2.5 },
  },
  {
    id: 'depots-label',
    type: 'symbol',
    source: 'depots',
    layout: {
      'text-field': ['get', 'name'],
      'text-size': 13,
      'text-offset': [0, 1.3],
      'text-anchor': 'top',
      'text-allow-overlap': true,
    },
    paint: { 'text-color': COLORS.depot, ...TEXT_HALO },
  },
];
