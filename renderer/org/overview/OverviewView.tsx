import { useMemo } from 'react';
import { useQuery } from '@tanstack/react-query';
import { orgQueries } from '../api/queries';
import { PeriodPicker } from '../period/PeriodPicker';
import { usePeriod } from '../period/usePeriod';
import { useOrg } from '../shell/org-context';
import { navigate } from '../shell/router';
import type { Route } from '../shell/route';
import { Definitions } from './Definitions';
import { Freshness } from './Freshness';
import { OverviewTable } from './OverviewTable';
import { combinedRow, depotRows } from './rows';
import './overview.css';

/** Home: every depot's key figures for a period, side by side, and all depots together. */
export function OverviewView({ route }: { route: Route }) {
  const { fmt, zone } = useOrg();
  const period = usePeriod(route.period);
  const overview = useQuery(orgQueries.overview(period));
  const o = overview.data;
  const depots = useMemo(() => (o ? depotRows(o) : []), [o]);
  const combined = useMemo(() => (o ? combinedRow(o) : null), [o]);
  const ready = Boolean(o) && !overview.isPlaceholderData && !overview.isFetching;

  return (
    <div className="org-page" data-testid="overview" data-state={ready ? 'ready' : 'loading'} data-from={period.from} data-to={period.to}>
      <div className="toolbar">
        <h2>Overview</h2>
        <PeriodPicker choice={route.period} onChange={(period) => navigate({ period })} />
        <span className="spacer" />
        {o && <Freshness replica={o.replica} onRefresh={() => void overview.refetch()} refreshing={overview.isFetching} />}
      </div>
      <div className="org-body">
        {overview.isError && (
          <div className="form-error" role="alert">
            {overview.error.message}{' '}
            <button className="link" onClick={() => void overview.refetch()}>
              Try again
            </button>
          </div>
        )}
        {!o && !overview.isError && <p className="placeholder">Computing the figures…</p>}
        {o && combined && (
          <>
            <section className="rep-panel org-panel" aria-labelledby="overview-title">
              <h3 id="overview-title">
                {o.org.name}{' '}
                <span className="muted small">
                  {depots.length === 1 ? '1 depot' : `${depots.length} depots`} · times in {zone}
                </span>
              </h3>
              {depots.length === 0 ? (
                <p className="pad muted" data-testid="no-depots">
                  No depot has joined this organization's hub yet. A depot joins from its own console: Settings → Sync.
                </p>
              ) : (
                <div className="org-table-wrap">
                  <OverviewTable route={route} depots={depots} combined={combined} />
                </div>
              )}
            </section>
            {o.unassignedOpenNow > 0 && (
              <p className="muted small" data-testid="unassigned">
                {fmt.count(o.unassignedOpenNow)} open work {o.unassignedOpenNow === 1 ? 'order has' : 'orders have'} no depot (created
                before depots were recorded on work orders).
              </p>
            )}
            <Definitions />
          </>
        )}
      </div>
    </div>
  );
}
