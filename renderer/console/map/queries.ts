import { queryOptions } from '@tanstack/react-query';
import type { Protocol } from 'pmtiles';
import type { z } from 'zod';
import type { Vehicle } from '../../../server/vehicles/contract';
import type { Depot } from '../../../server/depots/contract';
import type { PreferenceDto } from '../../../server/preferences/contract';
import type { OpenWorkDto, TilesetDto } from '../../../server/map/contract';
import { api, ApiError, getAll, getToken, type Query } from '../../shared/api/client';
import { shareRows, snapshotOf, type OpenWorkSnapshot } from './open-work';
import type { RegionSource } from '../../shared/map/basemap-style';

export type VehicleDto = z.infer<typeof Vehicle>;
export type DepotDto = z.infer<typeof Depot>;
export type { TilesetDto };

/** The first part of the open-work query key (see mapQueries.workOrders). */
export const MAP_OPEN_WORK = 'map_open_work';

/** Open = anything not CLOSED or CANCELLED (COMPLETED still awaits its closure approval). */
export const OPEN_STATUSES = ['NEW', 'SCHEDULED', 'DISPATCHED', 'EN_ROUTE', 'ON_SITE', 'ON_HOLD', 'COMPLETED'] as const;

/** The open work under the board's filters: one columnar payload from the host (server/map/open-work.ts). */
async function openWork(filters: Query): Promise<OpenWorkSnapshot> {
  return snapshotOf(await api.get<OpenWorkDto>('/map/open-work', filters));
}

/** At most this many ids in one live update request (the route's own limit); more changes refetch everything. */
export const LIVE_IDS_MAX = 200;

/** The rows among `ids` that still match the filters: a live update of a few work orders. */
export function openWorkRows(filters: Query, ids: readonly string[]): Promise<OpenWorkDto> {
  return api.get<OpenWorkDto>('/map/open-work', { ...filters, ids: ids.join(',') });
}

/** Map settings: saved per user through the host's preferences (falls back to this browser if the host has none). */
export interface MapSettings {
  base: 'offline' | 'online';
  /** A MapLibre style JSON URL, used when base is "online" (needs network; the offline basemap is the fallback). */
  styleUrl: string;
  /** File name of a region tile file in the host's <data dir>/tiles/ folder, drawn over the offline basemap. */
  regionTiles: string | null;
}
export const DEFAULT_SETTINGS: MapSettings = { base: 'offline', styleUrl: '', regionTiles: null };
const SETTINGS_KEY = 'map.settings';
const LOCAL_KEY = 'depotdesk.map.settings';

function parseSettings(value: unknown): MapSettings {
  if (!value || typeof value !== 'object') return DEFAULT_SETTINGS;
  const v = value as Partial<MapSettings>;
  return {
    base: v.base === 'online' ? 'online' : 'offline',
    styleUrl: typeof v.styleUrl === 'string' ? v.styleUrl : '',
    regionTiles: typeof v.regionTiles === 'string' && v.regionTiles ? v.regionTiles : null,
  };
}

async function loadSettings(): Promise<MapSettings> {
  try {
    const pref = await api.get<PreferenceDto>(`/me/preferences/${SETTINGS_KEY}`);
    if (pref.value !== null) return parseSettings(pref.value);
  } catch (err) {
    if (!(err instanceof ApiError && err.status === 404)) throw err;
  }
  const local = localStorage.getItem(LOCAL_KEY);
  return parseSettings(local ? (JSON.parse(local) as unknown) : null);
}

export async function saveSettings(settings: MapSettings): Promise<void> {
  localStorage.setItem(LOCAL_KEY, JSON.stringify(settings));
  try {
    await api.put(`/me/preferences/${SETTINGS_KEY}`, { value: settings });
  } catch (err) {
    // A host without the preferences endpoint: this browser's copy is all there is.
    if (!(err instanceof ApiError && err.status === 404)) throw err;
  }
}

let pmtilesProtocol: Protocol | null = null;

/** The region tile file as a style source; PMTiles are read through their own protocol with the sign-in token. */
async function regionSource(tileset: TilesetDto): Promise<RegionSource> {
  const url = new URL(tileset.url.replace(/\{([zxy])\}/g, '__$1__'), location.origin).href.replace(/__([zxy])__/g, '{$1}');
  if (tileset.container === 'mbtiles') {
    const raster = tileset.tileFormat !== null && ['png', 'jpg', 'jpeg', 'webp'].includes(tileset.tileFormat);
    return {
      kind: raster ? 'raster' : 'vector',
      tiles: [url],
      minzoom: tileset.minzoom ?? undefined,
      maxzoom: tileset.maxzoom ?? undefined,
      bounds: tileset.bounds ?? undefined,
      vectorLayers: tileset.vectorLayers,
      attribution: tileset.attribution ?? undefined,
    };
  }
  // Loaded on demand: maplibre and pmtiles stay out of the console's first bundle.
  const [{ addProtocol }, { FetchSource, PMTiles, Protocol }] = await Promise.all([import('maplibre-gl'), import('pmtiles')]);
  if (!pmtilesProtocol) {
    pmtilesProtocol = new Protocol();
    addProtocol('pmtiles', pmtilesProtocol.tile);
  }
  const archive = new PMTiles(new FetchSource(url, new Headers({ authorization: `Bearer ${getToken() ?? ''}` })));
  pmtilesProtocol.add(archive);
  const header = await archive.getHeader();
  const meta = (await archive.getMetadata().catch(() => ({}))) as { vector_layers?: { id: string }[]; attribution?: string };
  return {
    kind: header.tileType === 1 ? 'vector' : 'raster',
    url: `pmtiles://${url}`,
    minzoom: header.minZoom,
    maxzoom: header.maxZoom,
    bounds: [header.minLon, header.minLat, header.maxLon, header.maxLat],
    vectorLayers: (meta.vector_layers ?? []).map((l) => l.id),
    attribution: meta.attribution,
  };
}

/** Query keys start with the table they read, so live change messages refresh them (live.ts). */
export const mapQueries = {
  /**
   * Every open work order matching the board's filters (the map shows them all, clustered). The key
   * does not start with a table on purpose: a work-order change must not refetch 10,000 rows; the
   * map applies only the changed ones (live-open-work.ts). A reconnect or a return to the map
   * refetches it, and shareRows keeps what did not change, so only that is redrawn.
   */
  workOrders: (filters: Query) =>
    queryOptions({
      queryKey: [MAP_OPEN_WORK, filters],
      queryFn: () => openWork(filters),
      staleTime: 10_000,
      // SLA states move with the clock (on track → at risk → breached) with no change to announce them;
      // a minute's refetch recolours those points, and shareRows keeps every unchanged row as it was.
      refetchInterval: 60_000,
      structuralSharing: shareRows,
    }),
  /** Who is on site where: the crews layer, independent of the filters (a few rows: refetched on any change). */
  onSite: () =>
    queryOptions({
      queryKey: ['work_orders', 'map', 'on-site'],
      queryFn: () => openWork({ status: 'ON_SITE' }),
      staleTime: 10_000,
    }),
  vehicles: () => queryOptions({ queryKey: ['vehicles', 'all'], queryFn: () => getAll<VehicleDto>('/vehicles') }),
  depots: () => queryOptions({ queryKey: ['depots', 'all'], queryFn: () => getAll<DepotDto>('/depots'), staleTime: 300_000 }),
  settings: () => queryOptions({ queryKey: ['user_preferences', SETTINGS_KEY], queryFn: loadSettings, staleTime: Infinity }),
  // Files in the data folder, not a table: no change message ever names them, so this is fetched on demand.
  tilesets: () =>
    queryOptions({
      queryKey: ['map_tilesets'],
      queryFn: () => api.get<{ items: TilesetDto[]; folder: string }>('/map/tilesets'),
      staleTime: 60_000,
    }),
  region: (tileset: TilesetDto | null) =>
    queryOptions({
      queryKey: ['map_tilesets', 'source', tileset?.name ?? null],
      queryFn: () => (tileset ? regionSource(tileset) : null),
      staleTime: Infinity,
    }),
};
