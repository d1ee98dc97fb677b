import { useQuery } from '@tanstack/react-query';
import type { OrgOverview } from '../../../server/org-view/contract';
import type { KpiReportDto } from '../../../server/reports/contract-kpi';
import { KpiTable } from '../../shared/reports/KpiTable';
import { useNow } from '../../ui/useNow';
import { orgQueries } from '../api/queries';
import { PeriodPicker } from '../period/PeriodPicker';
import { usePeriod } from '../period/usePeriod';
import { useOrg } from '../shell/org-context';
import { hrefFrom, navigate } from '../shell/router';
import { ALL_DEPOTS, type Route } from '../shell/route';
import { NO_OWN_SYNC } from '../overview/rows';
import { DownloadButtons } from './DownloadButtons';
import { BreachedTable, MtbfTable, type ReportFormat } from '../../shared/reports/FaultTables';
import { SummaryTiles } from './SummaryTiles';
import { Trends } from './Trends';
import './depot.css';

/** One depot's full KPI report for the period, or the whole organization's ("All depots"). */
export function DepotView({ route }: { route: Route }) {
  const { fmt } = useOrg();
  const depotId = route.depotId === ALL_DEPOTS ? null : route.depotId;
  const period = usePeriod(route.period);
  // The overview of the same period is usually cached already: it names the depot and its sync.
  const overview = useQuery(orgQueries.overview(period));
  const report = useQuery(orgQueries.kpis(period, depotId));
  const o = overview.data;
  const depot = depotId ? o?.depots.find((d) => d.id === depotId) : undefined;
  const unknown = Boolean(depotId && o && !depot);
  const title = depotId ? (depot?.name ?? (unknown ? 'Unknown depot' : '…')) : 'All depots';
  const r = report.data;
  const ready = Boolean(r) && !report.isPlaceholderData && !report.isFetching;

  return (
    <div
      className="org-page"
      data-testid="depot-view"
      data-depot-id={route.depotId ?? ALL_DEPOTS}
      data-state={ready ? 'ready' : 'loading'}
      data-from={period.from}
      data-to={period.to}
    >
      <div className="toolbar">
        <a href={hrefFrom(route, { view: 'overview' })} className="org-back" data-testid="back-to-overview">
          ← Overview
        </a>
        <h2 data-testid="depot-title">
          {title} {depot && <span className="muted small">{depot.code}</span>}
        </h2>
        {o && <DepotSwitch overview={o} current={route.depotId ?? ALL_DEPOTS} />}
        <PeriodPicker choice={route.period} onChange={(period) => navigate({ period })} />
        <span className="spacer" />
        {r && (
          <span className="muted small" title={`Computed in ${r.computeMs} ms; days in ${r.query.zone}`}>
            as of {fmt.time(r.generatedAt)}
          </span>
        )}
        <button
          className="link org-refresh"
          onClick={() => void report.refetch()}
          disabled={report.isFetching}
          aria-label="Refresh"
          title="Refresh"
        >
          ↻
        </button>
        {!unknown && <DownloadButtons period={period} depotId={depotId} />}
      </div>
      <div className="org-body">
        {unknown && (
          <p className="form-error" role="alert">
            This depot is not part of the organization (it may have left the hub).
          </p>
        )}
        {o && <StatusStrip overview={o} depotId={depotId} />}
        {report.isError && (
          <div className="form-error" role="alert">
            {report.error.message}
          </div>
        )}
        {!r && !report.isError && <p className="placeholder">Computing the report…</p>}
        {r && <ReportBody r={r} />}
      </div>
    </div>
  );
}

function DepotSwitch({ overview, current }: { overview: OrgOverview; current: string }) {
  return (
    <select
      value={current}
      onChange={(e) => navigate({ view: 'depot', depotId: e.target.value })}
      aria-label="Depot"
      data-testid="depot-switch"
    >
      <option value={ALL_DEPOTS}>All depots</option>
      {[...overview.depots]
        .sort((a, b) => a.name.localeCompare(b.name))
        .map((d) => (
          <option key={d.id} value={d.id}>
            {d.name}
          </option>
        ))}
    </select>
  );
}

/** What is true now rather than in the period: open and overdue work, and how fresh the depot's data is. */
function StatusStrip({ overview, depotId }: { overview: OrgOverview; depotId: string | null }) {
  const { fmt } = useOrg();
  const now = useNow(30_000);
  const d = depotId ? overview.depots.find((x) => x.id === depotId) : undefined;
  if (depotId && !d) return null;
  const open = d ? d.openNow : overview.combined.openNow;
  const overdue = d ? d.overdueNow : overview.combined.overdueNow;
  return (
    <p className="org-strip" data-testid="status-strip">
      <span>
        <strong data-testid="strip-open">{fmt.count(open)}</strong> open now
      </span>
      <span className={overdue > 0 ? 'org-bad' : undefined}>
        <strong data-testid="strip-overdue">{fmt.count(overdue)}</strong> overdue now
      </span>
      {d ? (
        <>
          {d.lastPushAt && <span title={fmt.dateTime(d.lastPushAt)}>last push {fmt.ago(d.lastPushAt, now)}</span>}
          {d.lastPullAt && <span title={fmt.dateTime(d.lastPullAt)}>last pull {fmt.ago(d.lastPullAt, now)}</span>}
          {!d.lastPushAt && !d.lastPullAt && (
            <span className="muted" title={NO_OWN_SYNC}>
              syncs through its depot host
            </span>
          )}
          <span className="muted">depot time zone {d.timeZone}</span>
        </>
      ) : (
        <span className="muted">{overview.depots.length} depots</span>
      )}
      <span className="muted">
        figures as of {fmt.time(overview.replica.caughtUpAt)}, hub version {fmt.count(overview.replica.version)}
      </span>
    </p>
  );
}

function ReportBody({ r }: { r: KpiReportDto }) {
  const { fmt } = useOrg();
  // Times in the organization's zone.
  const tableFormat: ReportFormat = fmt;
  return (
    <>
      <SummaryTiles summary={r.summary} />
      <Trends r={r} />
      <KpiTable title="By team" rows={r.byDimension.team} testId="table-team" />
      <KpiTable title="By technician" rows={r.byDimension.technician} testId="table-technician" />
      <div className="org-grid2">
        <KpiTable title="By location" rows={r.byDimension.location} testId="table-location" />
        <KpiTable title="By asset" rows={r.byDimension.asset} testId="table-asset" />
      </div>
      <div className="org-grid2">
        <KpiTable title="By work-order type" rows={r.byDimension.type} testId="table-type" />
        <MtbfTable r={r} format={tableFormat} />
      </div>
      <BreachedTable r={r} format={tableFormat} />
    </>
  );
}
