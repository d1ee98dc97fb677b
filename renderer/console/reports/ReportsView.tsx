import { useMemo, useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { useLookups } from '../../shared/catalog/queries';
import { useSession } from '../../shared/api/session';
import { openWorkOrder } from '../shell/router';
import { ExportButtons } from './ExportButtons';
import { KpiTable } from '../../shared/reports/KpiTable';
import { TrendChart, type TrendSeries } from '../../shared/reports/TrendChart';
import { reportNumbers } from '../../shared/reports/format';
import type { DepotFormat } from '../../shared/locale/format';
import { ScheduledReports } from './ScheduledReports';
import { ActivityTable } from './ActivityTable';
import { fromDateInput, presetPeriod, PRESETS, toDateInput, type Period, type PresetId } from './period';
import { reportQueries, type KpiFilters, type KpiReportDto, type RatioDto } from './queries';
import './reports.css';
import { BreachedTable, MtbfTable, type ReportFormat } from '../../shared/reports/FaultTables';
import { useDepotFormat } from '../../shared/locale/context';
import { DateField } from '../../shared/locale/DateField';

const TYPES = ['corrective', 'preventive', 'inspection', 'installation', 'emergency'];
const FILTERS: { key: keyof KpiFilters; label: string }[] = [
  { key: 'depotId', label: 'All depots' },
  { key: 'teamId', label: 'All teams' },
  { key: 'assigneeId', label: 'All technicians' },
  { key: 'type', label: 'All types' },
  { key: 'locationId', label: 'All locations' },
  { key: 'assetId', label: 'All assets' },
];

/** Managers' KPIs for a period: tiles, trends, tables per team and technician, SLA misses, MTBF, exports. */
export function ReportsView() {
  const fmt = useDepotFormat();
  const { can } = useSession();
  const [preset, setPreset] = useState<PresetId>('last30');
  const [period, setPeriod] = useState<Period>(() => presetPeriod('last30', fmt));
  const [filters, setFilters] = useState<KpiFilters>({});
  const params = useMemo(() => ({ ...period, ...filters }), [period, filters]);
  const report = useQuery(reportQueries.kpis(params));
  const options = useFilterOptions();
  const r = report.data;
  const ready = !!r && !report.isPlaceholderData && !report.isFetching;

  const choosePreset = (id: PresetId) => {
    setPreset(id);
    if (id !== 'custom') setPeriod(presetPeriod(id, fmt));
  };
  const setCustom = (which: 'from' | 'to', value: string) => {
    const t = fromDateInput(value, which === 'to', fmt);
    if (t && (which === 'from' ? t < period.to : t > period.from)) setPeriod((p) => ({ ...p, [which]: t }));
  };

  return (
    <div className="rep" data-testid="reports-view" data-state={ready ? 'ready' : 'loading'} data-from={period.from} data-to={period.to}>
      <div className="toolbar rep-toolbar">
        <h2>Reports</h2>
        <select value={preset} onChange={(e) => choosePreset(e.target.value as PresetId)} data-testid="period-preset" aria-label="Period">
          {PRESETS.map((p) => (
            <option key={p.id} value={p.id}>
              {p.label}
            </option>
          ))}
        </select>
        {preset === 'custom' && (
          <>
            <DateField
              value={toDateInput(period.from, false, fmt)}
              onChange={(v) => setCustom('from', v)}
              aria-label="From"
              data-testid="period-from"
            />
            <span className="muted">to</span>
            <DateField
              value={toDateInput(period.to, true, fmt)}
              onChange={(v) => setCustom('to', v)}
              aria-label="To (inclusive)"
              data-testid="period-to"
            />
          </>
        )}
        {FILTERS.map((f) => (
          <select
            key={f.key}
            value={filters[f.key] ?? ''}
            onChange={(e) => setFilters((cur) => ({ ...cur, [f.key]: e.target.value || undefined }))}
            data-testid={`filter-${f.key}`}
            aria-label={f.label}
            className={filters[f.key] ? 'rep-filter-on' : ''}
          >
            <option value="">{f.label}</option>
            {options[f.key].map((o) => (
              <option key={o.id} value={o.id}>
                {o.label}
              </option>
            ))}
          </select>
        ))}
        {Object.values(filters).some(Boolean) && (
          <button className="link" onClick={() => setFilters({})}>
            Clear filters
          </button>
        )}
        <span className="spacer" />
        {r && (
          <span className="muted small" title={`Zone ${r.query.zone}; computed in ${r.computeMs} ms`}>
            as of {fmt.time(r.generatedAt)}
          </span>
        )}
        <button
          className="link"
          onClick={() => void report.refetch()}
          disabled={report.isFetching}
          title="Compute again"
          data-testid="reports-refresh"
        >
          ↻
        </button>
        {can('report:export') && <ExportButtons params={params} />}
      </div>
      {report.isError && <div className="form-error rep-error">{report.error.message}</div>}
      {r && <ReportBody r={r} />}
      {!r && !report.isError && <div className="placeholder">Computing KPIs…</div>}
    </div>
  );
}

function useFilterOptions(): Record<keyof KpiFilters, { id: string; label: string }[]> {
  const lookups = useLookups();
  const assets = useQuery(reportQueries.assets());
  const depots = useQuery(reportQueries.depots());
  return useMemo(() => {
    const byLabel = (a: { label: string }, b: { label: string }) => a.label.localeCompare(b.label);
    return {
      depotId: (depots.data ?? []).map((d) => ({ id: d.id, label: d.name })).sort(byLabel),
      teamId: lookups.teamsList.map((t) => ({ id: t.id, label: t.name })).sort(byLabel),
      assigneeId: lookups.usersList
        .filter((u) => u.role === 'technician')
        .map((u) => ({ id: u.id, label: u.name }))
        .sort(byLabel),
      type: TYPES.map((t) => ({ id: t, label: t.charAt(0).toUpperCase() + t.slice(1) })),
      locationId: [...lookups.locations.values()].map((l) => ({ id: l.id, label: `${l.code} ${l.name}` })).sort(byLabel),
      assetId: (assets.data ?? []).map((a) => ({ id: a.id, label: `${a.tag} ${a.name}` })).sort(byLabel),
    };
  }, [lookups, assets.data, depots.data]);
}

function ReportBody({ r }: { r: KpiReportDto }) {
  const fmt = useDepotFormat();
  const { can } = useSession();
  const numbers = useMemo(() => reportNumbers(fmt), [fmt]);
  const { num, pct } = numbers;
  const ratioTitle = (x: RatioDto) => `${fmt.number(x.numerator)} / ${fmt.number(x.denominator)}`;
  const s = r.summary;
  const tiles: { key: string; label: string; value: string; raw: number | null; title?: string; sub?: string; tone?: 'ok' | 'bad' }[] = [
    { key: 'created', label: 'Created', value: num(s.created, 0), raw: s.created },
    { key: 'completed', label: 'Completed', value: num(s.completed, 0), raw: s.completed },
    { key: 'cancelled', label: 'Cancelled', value: num(s.cancelled, 0), raw: s.cancelled },
    {
      key: 'backlog',
      label: 'Backlog',
      value: num(s.backlog, 0),
      raw: s.backlog,
      sub: `age avg ${num(s.backlogAgeMeanH, 0)} h · max ${num(s.backlogAgeMaxH, 0)} h`,
      title: 'Open at the end of the period (or now); age since creation',
    },
    {
      key: 'overdue',
      label: 'Overdue',
      value: num(s.overdue, 0),
      raw: s.overdue,
      tone: s.overdue > 0 ? 'bad' : undefined,
      sub: 'open past resolution due',
    },
    {
      key: 'onTime',
      label: 'On time',
      value: pct(s.onTime.value),
      raw: s.onTime.value,
      title: ratioTitle(s.onTime),
      sub: ratioTitle(s.onTime),
    },
    {
      key: 'slaResponse',
      label: 'SLA response',
      value: pct(s.slaResponse.value),
      raw: s.slaResponse.value,
      title: ratioTitle(s.slaResponse),
      sub: ratioTitle(s.slaResponse),
    },
    {
      key: 'slaResolution',
      label: 'SLA resolution',
      value: pct(s.slaResolution.value),
      raw: s.slaResolution.value,
      title: ratioTitle(s.slaResolution),
      sub: ratioTitle(s.slaResolution),
    },
    {
      key: 'mttrRespondH',
      label: 'Time to respond',
      value: `${num(s.mttrRespondH)} h`,
      raw: s.mttrRespondH,
      sub: 'mean, to first on site',
    },
    { key: 'mttrRepairH', label: 'Time to repair', value: `${num(s.mttrRepairH)} h`, raw: s.mttrRepairH, sub: 'mean, hold time excluded' },
    {
      key: 'firstTimeFix',
      label: 'First-time fix',
      value: pct(s.firstTimeFix.value),
      raw: s.firstTimeFix.value,
      title: ratioTitle(s.firstTimeFix),
      sub: ratioTitle(s.firstTimeFix),
    },
    {
      key: 'plannedActual',
      label: 'Planned / actual',
      value: `${num(s.plannedMin / 60, 0)} / ${num(s.actualMin / 60, 0)} h`,
      raw: s.actualMin,
      title: `${s.plannedMin} / ${s.actualMin} min`,
      sub: 'on-site time vs. plan',
    },
    {
      key: 'utilisation',
      label: 'Crew utilisation',
      value: pct(s.utilisation.value),
      raw: s.utilisation.value,
      title: `${ratioTitle(s.utilisation)} shift minutes`,
      sub: `${num(s.utilisation.numerator / 60, 0)} / ${num(s.utilisation.denominator / 60, 0)} h`,
    },
  ];
  const daily = useMemo(() => r.daily.map((p) => Date.parse(p.at) / 1000), [r]);
  const weekly = useMemo(() => r.weekly.map((p) => Date.parse(p.at) / 1000), [r]);
  const completedSeries = useMemo<TrendSeries[]>(
    () => [
      { label: 'Completed', color: '#2f8f5b', values: r.daily.map((p) => p.completed), bars: true },
      { label: 'Created', color: '#2563a8', values: r.daily.map((p) => p.created) },
    ],
    [r],
  );
  const slaSeries = useMemo<TrendSeries[]>(
    () => [
      {
        label: 'SLA resolution met',
        color: '#c07a00',
        values: r.weekly.map((p) => (p.slaResolution.value === null ? null : p.slaResolution.value * 100)),
      },
    ],
    [r],
  );
  const backlogSeries = useMemo<TrendSeries[]>(() => [{ label: 'Backlog', color: '#5b6b7d', values: r.daily.map((p) => p.backlog) }], [r]);

  return (
    <div className="rep-body">
      <div className="rep-tiles">
        {tiles.map((t) => (
          <div key={t.key} className={`rep-tile ${t.tone ?? ''}`} title={t.title} data-testid={`tile-${t.key}`} data-value={t.raw ?? ''}>
            <div className="rep-tile-label">{t.label}</div>
            <div className="rep-tile-value">{t.value}</div>
            {t.sub && <div className="rep-tile-sub">{t.sub}</div>}
          </div>
        ))}
      </div>
      <div className="rep-charts">
        <TrendChart
          title="Created and completed per day"
          times={daily}
          series={completedSeries}
          zone={fmt.timeZone}
          xFormat={fmt.dayMonth}
          testId="chart-completed"
        />
        <TrendChart
          title="SLA resolution compliance per week"
          times={weekly}
          series={slaSeries}
          yFormat={(v) => `${v.toFixed(0)}%`}
          zone={fmt.timeZone}
          xFormat={fmt.dayMonth}
          testId="chart-sla"
        />
        <TrendChart
          title="Backlog per day"
          times={daily}
          series={backlogSeries}
          zone={fmt.timeZone}
          xFormat={fmt.dayMonth}
          testId="chart-backlog"
        />
      </div>
      <KpiTable title="By team" rows={r.byDimension.team} testId="table-team" numbers={numbers} />
      <KpiTable title="By technician" rows={r.byDimension.technician} testId="table-technician" numbers={numbers} />
      {can('audit:read') && <ActivityTable from={r.query.from} to={r.query.to} />}
      <div className="rep-grid2">
        <BreachedTable r={r} format={tableFormat(fmt)} onOpen={openWorkOrder} />
        <MtbfTable r={r} format={tableFormat(fmt)} />
      </div>
      <div className="rep-grid2">
        <KpiTable title="By location" rows={r.byDimension.location} testId="table-location" numbers={numbers} />
        <KpiTable title="By asset" rows={r.byDimension.asset} testId="table-asset" numbers={numbers} />
      </div>
      <div className="rep-grid2">
        <KpiTable title="By work-order type" rows={r.byDimension.type} testId="table-type" numbers={numbers} />
        <ScheduledReports />
      </div>
    </div>
  );
}

/** The fault tables write times and figures the depot's way, as the rest of this view does. */
function tableFormat(fmt: DepotFormat): ReportFormat {
  return {
    count: (n) => fmt.number(n),
    decimal: (v) => fmt.number(v, { min: 1, max: 1 }),
    dateTime: (t) => fmt.dateTime(t),
  };
}
