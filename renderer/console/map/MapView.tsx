import { useDepotFormat } from '../../shared/locale/context';
import { useQuery } from '@tanstack/react-query';
import { lazy, Suspense, useEffect, useMemo, useRef, useState } from 'react';
import type { Query } from '../../shared/api/client';
import { catalogQueries, useLookups } from '../../shared/catalog/queries';
import { navigate, openWorkOrder } from '../shell/router';
import { useToasts } from '../shell/toasts';
import { useNow } from '../../ui/useNow';
import { PRIORITIES, SLA_LABEL, STATUS_LABEL, TYPES } from '../../shared/work-orders/labels';
import {
  crewFeatures,
  CREW_COLOR,
  locationFeatures,
  serviceAreas,
  SLA_COLORS,
  VEHICLE_COLOR,
  vehicleFeatures,
  type OverlayId,
} from './layers';
import { useOpenWorkLive } from './live-open-work';
import { WorkOrderPlacer } from './work-order-features';
import type { BaseChoice, MapData } from './MapCanvas';
import { mapQueries, OPEN_STATUSES } from './queries';
import './map.css';
import { useLiveVehicles } from '../telemetry/live-vehicles';

// maplibre is ~800 KB: loaded when the map is first opened, not with the console. The view starts
// the download at once (useEffect below), so it overlaps the data requests instead of following them.
const loadCanvas = () => import('./MapCanvas');
const MapCanvas = lazy(() => loadCanvas().then((m) => ({ default: m.MapCanvas })));

/** The board's filters (same API parameters): status, team, priority, type, SLA state. */
export interface MapFilters {
  status: string;
  teamId: string;
  priority: string;
  type: string;
  slaState: string;
}
const NO_FILTERS: MapFilters = { status: '', teamId: '', priority: '', type: '', slaState: '' };
const FILTERS_KEY = 'depotdesk.map.filters';

function toQuery(f: MapFilters): Query {
  return {
    status: f.status || OPEN_STATUSES.join(','),
    teamId: f.teamId || undefined,
    priority: f.priority || undefined,
    type: f.type || undefined,
    slaState: f.slaState || undefined,
  };
}

function loadFilters(): MapFilters {
  try {
    return { ...NO_FILTERS, ...(JSON.parse(sessionStorage.getItem(FILTERS_KEY) ?? '{}') as Partial<MapFilters>) };
  } catch {
    return NO_FILTERS;
  }
}

const ALL_ON: Record<OverlayId, boolean> = { locations: true, workOrders: true, vehicles: true, crews: true };

export function MapView() {
  const fmt = useDepotFormat();
  const lookups = useLookups();
  const toasts = useToasts();
  const [filters, setFilters] = useState<MapFilters>(loadFilters);
  const [visible, setVisible] = useState(ALL_ON);
  useEffect(() => sessionStorage.setItem(FILTERS_KEY, JSON.stringify(filters)), [filters]);
  useEffect(() => void loadCanvas(), []);

  const query = useMemo(() => toQuery(filters), [filters]);
  const workOrders = useQuery(mapQueries.workOrders(query));
  useOpenWorkLive(query);
  const onSite = useQuery(mapQueries.onSite());
  const vehicles = useQuery(mapQueries.vehicles());
  const liveVehicles = useLiveVehicles(vehicles.data);
  const depots = useQuery(mapQueries.depots());
  const locationsList = useQuery(catalogQueries.locations());
  const settings = useQuery(mapQueries.settings());
  const tilesets = useQuery({ ...mapQueries.tilesets(), enabled: Boolean(settings.data?.regionTiles) });
  const tileset = tilesets.data?.items.find((t) => t.name === settings.data?.regionTiles) ?? null;
  const region = useQuery({ ...mapQueries.region(tileset), enabled: Boolean(tileset) });

  useEffect(() => {
    const err = workOrders.error ?? vehicles.error ?? region.error;
    if (err) toasts.error(err);
  }, [workOrders.error, vehicles.error, region.error, toasts]);

  // Vehicles are "last known": re-rendered each minute so a fix can turn stale without new data.
  const now = useNow(60_000);

  // One placer per view: it keeps each job's spot and feature while the job is unchanged (live updates).
  const placer = useRef<WorkOrderPlacer | null>(null);
  const placed = useMemo(() => {
    if (!workOrders.data) return null;
    placer.current ??= new WorkOrderPlacer();
    return placer.current.place(workOrders.data);
  }, [workOrders.data]);
  const slaCounts = useMemo(() => {
    const counts: Record<string, number> = { breached: 0, at_risk: 0, ok: 0, met: 0, none: 0 };
    for (const w of workOrders.data?.rows.values() ?? []) counts[w.slaState] = (counts[w.slaState] ?? 0) + 1;
    return counts;
  }, [workOrders.data]);

  const data = useMemo<MapData | null>(() => {
    if (!placed || !locationsList.data || !liveVehicles || !onSite.data) return null;
    const locs = locationsList.data;
    let bounds: MapData['bounds'] = null;
    for (const l of locs) {
      bounds = bounds
        ? [Math.min(bounds[0], l.lon), Math.min(bounds[1], l.lat), Math.max(bounds[2], l.lon), Math.max(bounds[3], l.lat)]
        : [l.lon, l.lat, l.lon, l.lat];
    }
    return {
      locations: locationFeatures(locs),
      areas: serviceAreas(locs, new Map((depots.data ?? []).map((d) => [d.id, d.name]))),
      workOrders: placed.features,
      vehicles: vehicleFeatures(liveVehicles, now),
      crews: crewFeatures(onSite.data.rows.values(), lookups.users),
      bounds,
    };
  }, [placed, locationsList.data, liveVehicles, onSite.data, depots.data, now, lookups.users]);

  const baseChoice = useMemo<BaseChoice>(
    () => ({ base: settings.data?.base ?? 'offline', styleUrl: settings.data?.styleUrl ?? '', region: region.data ?? null }),
    [settings.data?.base, settings.data?.styleUrl, region.data],
  );
  // Wait for the settings (and a chosen region file) before building the map, so it is built once.
  // The bundled basemap alone (the demo's as shipped) has no streets: the legend says why and where to add them.
  const noStreets = settings.data?.base === 'offline' && !tileset && (!settings.data.regionTiles || tilesets.isSuccess);
  const baseKnown = settings.isSuccess && (!settings.data.regionTiles || !tilesets.isPending) && (!tileset || !region.isPending);

  const set = (key: keyof MapFilters) => (e: { target: { value: string } }) => setFilters({ ...filters, [key]: e.target.value });
  const toggle = (id: OverlayId) => setVisible({ ...visible, [id]: !visible[id] });
  const vehicleCount = data?.vehicles.features.length ?? 0;
  const crewCount = data?.crews.features.length ?? 0;
  const filtered = Object.values(filters).some(Boolean);

  return (
    <div className="map-view" data-testid="map-view" data-state={data ? 'ready' : 'loading'}>
      <div className="toolbar">
        <h2>Map</h2>
        <select value={filters.status} onChange={set('status')} aria-label="Status" data-testid="map-filter-status">
          <option value="">All open</option>
          {OPEN_STATUSES.map((s) => (
            <option key={s} value={s}>
              {STATUS_LABEL[s]}
            </option>
          ))}
        </select>
        <select value={filters.teamId} onChange={set('teamId')} aria-label="Team" data-testid="map-filter-team">
          <option value="">Any team</option>
          {lookups.teamsList.map((t) => (
            <option key={t.id} value={t.id}>
              {t.name}
            </option>
          ))}
        </select>
        <select value={filters.priority} onChange={set('priority')} aria-label="Priority" data-testid="map-filter-priority">
          <option value="">Any priority</option>
          {PRIORITIES.map((p) => (
            <option key={p} value={p}>
              {p}
            </option>
          ))}
        </select>
        <select value={filters.type} onChange={set('type')} aria-label="Type" data-testid="map-filter-type">
          <option value="">Any type</option>
          {TYPES.map((t) => (
            <option key={t} value={t}>
              {t}
            </option>
          ))}
        </select>
        <select value={filters.slaState} onChange={set('slaState')} aria-label="SLA" data-testid="map-filter-sla">
          <option value="">Any SLA state</option>
          {Object.entries(SLA_LABEL).map(([k, v]) => (
            <option key={k} value={k}>
              {v}
            </option>
          ))}
        </select>
        {filtered && (
          <button className="link" onClick={() => setFilters(NO_FILTERS)}>
            Clear
          </button>
        )}
        <span className="spacer" />
        <span className="muted small" data-testid="map-count">
          {workOrders.isFetching && !workOrders.data
            ? 'Loading work orders…'
            : `${fmt.number(placed?.features.size ?? 0)} work orders on the map`}
          {placed && placed.unplaced > 0 && ` · ${fmt.number(placed.unplaced)} without a location`}
          {workOrders.data?.truncated && ' · showing the first 25,000'}
        </span>
        <button onClick={() => navigate({ view: 'settings', tab: 'map' })} data-testid="map-settings-toggle">
          Map settings
        </button>
      </div>
      <div className="map-body">
        {baseKnown ? (
          <Suspense fallback={<div className="map-canvas" data-state="loading" />}>
            <MapCanvas
              baseChoice={baseChoice}
              data={data}
              visible={visible}
              onOpenWorkOrder={(id) => openWorkOrder(id)}
              onFallback={(text) => toasts.push({ kind: 'info', text })}
            />
          </Suspense>
        ) : (
          <div className="map-canvas" data-state="loading" />
        )}
        <aside className="map-legend" data-testid="map-legend" aria-label="Layers and legend">
          <div className="legend-title">Layers</div>
          <label className="legend-row">
            <input type="checkbox" checked={visible.workOrders} onChange={() => toggle('workOrders')} data-testid="layer-workOrders" />
            Open work orders
          </label>
          <ul className="legend-sla">
            {(['breached', 'at_risk', 'ok', 'met', 'none'] as const).map((k) => (
              <li key={k}>
                <span className="swatch" style={{ background: SLA_COLORS[k] }} />
                {k === 'none' ? 'No SLA' : SLA_LABEL[k]}
                <span className="count">{fmt.number(slaCounts[k] ?? 0)}</span>
              </li>
            ))}
            <li className="muted small">Clusters take the worst state inside; a dark ring marks critical priority.</li>
          </ul>
          <label className="legend-row">
            <input type="checkbox" checked={visible.vehicles} onChange={() => toggle('vehicles')} data-testid="layer-vehicles" />
            <span className="swatch ring" style={{ background: VEHICLE_COLOR }} />
            Vehicles <span className="count">{vehicleCount}</span>
          </label>
          <div className="legend-note muted small">Last GPS fix; faded after 30 min.</div>
          <label className="legend-row">
            <input type="checkbox" checked={visible.crews} onChange={() => toggle('crews')} data-testid="layer-crews" />
            <span className="swatch" style={{ background: CREW_COLOR }} />
            Crews <span className="count">{crewCount}</span>
          </label>
          <div className="legend-note muted small">Last known at site: crews on site now. Check-ins come with the crew app.</div>
          <label className="legend-row">
            <input type="checkbox" checked={visible.locations} onChange={() => toggle('locations')} data-testid="layer-locations" />
            <span className="swatch hollow" />
            Locations &amp; depots
          </label>
          {noStreets && (
            <div className="legend-streets muted small" data-testid="map-no-streets">
              <b>No streets?</b> This map draws Natural Earth land and water only (about 1 km detail), so it works offline with nothing to
              download. Add your region&apos;s street map in{' '}
              <a href="#/settings?tab=map" data-testid="map-no-streets-link">
                Settings › Map
              </a>
              .
            </div>
          )}
        </aside>
      </div>
    </div>
  );
}
