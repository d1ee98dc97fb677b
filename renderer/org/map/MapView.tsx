import { lazy, Suspense, useMemo, useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { STATUS_LABEL } from '../../shared/work-orders/labels';
import { orgQueries } from '../api/queries';
import { Freshness } from '../overview/Freshness';
import { usePeriod } from '../period/usePeriod';
import { useOrg } from '../shell/org-context';
import { navigate } from '../shell/router';
import type { Route } from '../shell/route';
import { dataBounds, depotFeatures, openWorkFeatures } from './features';
import { COLORS } from './layers';
import type { PopupText } from './popups';
import './map.css';

// maplibre is ~800 KB: fetched when the map is first opened, not with the overview.
const MapCanvas = lazy(() => import('./MapCanvas').then((m) => ({ default: m.MapCanvas })));

const EMPTY: GeoJSON.FeatureCollection<GeoJSON.Point> = { type: 'FeatureCollection', features: [] };
const URGENT_SHOWN = 12;

/** Where the open work is, across depots or in one, and where the depots are. Read-only. */
export function MapView({ route }: { route: Route }) {
  const { fmt } = useOrg();
  const period = usePeriod(route.period);
  // The overview names the depots and their positions; its period does not matter here.
  const overview = useQuery(orgQueries.overview(period));
  const open = useQuery(orgQueries.openWork(route.depotId));
  const [focus, setFocus] = useState<{ id: string; lon: number; lat: number; nonce: number } | null>(null);

  const allDepots = useMemo(() => overview.data?.depots ?? [], [overview.data]);
  const shownDepots = useMemo(() => allDepots.filter((d) => !route.depotId || d.id === route.depotId), [allDepots, route.depotId]);
  const work = useMemo(() => (open.data ? openWorkFeatures(open.data.items) : EMPTY), [open.data]);
  const depots = useMemo(() => depotFeatures(shownDepots), [shownDepots]);
  const bounds = useMemo(() => dataBounds(work, depots.fc), [work, depots]);
  const text = useMemo<PopupText>(() => ({ status: (s) => STATUS_LABEL[s] ?? s, due: fmt.dateTime, count: fmt.count }), [fmt]);
  const data = open.data;
  const overdue = useMemo(() => data?.items.filter((i) => i.overdue).length ?? 0, [data]);
  const ready = Boolean(data && overview.data) && !open.isPlaceholderData && !open.isFetching;

  return (
    <div className="org-page org-map" data-testid="map-view" data-state={ready ? 'ready' : 'loading'}>
      <div className="toolbar">
        <h2>Map</h2>
        <select
          value={route.depotId ?? ''}
          onChange={(e) => navigate({ depotId: e.target.value || null })}
          aria-label="Depot"
          data-testid="map-depot"
        >
          <option value="">All depots</option>
          {[...allDepots]
            .sort((a, b) => a.name.localeCompare(b.name))
            .map((d) => (
              <option key={d.id} value={d.id}>
                {d.name}
              </option>
            ))}
        </select>
        {data && (
          <span className="org-map-count" data-testid="map-count" data-open={data.total} data-unlocated={data.unlocated} aria-live="polite">
            <strong>{fmt.count(data.total)}</strong> open, {fmt.count(data.unlocated)} not on the map (no location)
            {data.items.length < data.total - data.unlocated && (
              <span className="muted"> · the {fmt.count(data.items.length)} most urgent drawn</span>
            )}
          </span>
        )}
        <span className="spacer" />
        {data && <Freshness replica={data.replica} onRefresh={() => void open.refetch()} refreshing={open.isFetching} />}
      </div>
      {open.isError && (
        <div className="form-error org-map-error" role="alert">
          {open.error.message}
        </div>
      )}
      <div className="org-map-body">
        <Suspense fallback={<div className="org-map-canvas" data-testid="map-canvas" data-state="loading" />}>
          <MapCanvas
            work={work}
            depots={depots.fc}
            bounds={bounds}
            fitKey={route.depotId ?? 'all'}
            text={text}
            focus={focus}
            onOpenDepot={(id) => navigate({ view: 'depot', depotId: id })}
          />
        </Suspense>
        <aside className="org-map-legend" aria-label="Legend and most urgent work">
          <div className="org-legend-title">Open work</div>
          <ul className="org-legend">
            <li>
              <span className="swatch" style={{ background: COLORS.open }} /> Not overdue
              <span className="count">{data ? fmt.count(data.items.length - overdue) : ''}</span>
            </li>
            <li>
              <span className="swatch" style={{ background: COLORS.overdue }} /> Overdue
              <span className="count">{data ? fmt.count(overdue) : ''}</span>
            </li>
            <li>
              <span className="swatch org-swatch-depot" style={{ background: COLORS.depot }} /> Depot
              {depots.unplaced > 0 && <span className="count">{fmt.count(depots.unplaced)} without a position</span>}
            </li>
          </ul>
          <p className="muted small org-legend-note">Clusters redden with the share of their work that is overdue. Click one to zoom in.</p>
          {data && data.items.length > 0 && (
            <>
              <div className="org-legend-title">Most urgent</div>
              <ol className="org-urgent" data-testid="urgent-list">
                {data.items.slice(0, URGENT_SHOWN).map((w) => (
                  <li key={w.id}>
                    <button
                      className="link"
                      onClick={() => setFocus({ id: w.id, lon: w.lon, lat: w.lat, nonce: Date.now() })}
                      title={`${w.title} — show on the map`}
                    >
                      <strong className={w.overdue ? 'org-bad' : undefined}>{w.number}</strong> {w.title}
                    </button>
                  </li>
                ))}
              </ol>
            </>
          )}
        </aside>
      </div>
    </div>
  );
}
