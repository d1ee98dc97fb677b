import { useMemo } from 'react';
import type { KpiReportDto } from '../../../server/reports/contract-kpi';
import { TrendChart, type TrendSeries } from '../../shared/reports/TrendChart';
import { useOrg } from '../shell/org-context';

const percent = (v: number) => `${v.toFixed(0)}%`;

/** The report's trends, as in the depot's Reports view, with the time axis in the organization's zone. */
export function Trends({ r }: { r: KpiReportDto }) {
  const { zone } = useOrg();
  const daily = useMemo(() => r.daily.map((p) => Date.parse(p.at) / 1000), [r]);
  const weekly = useMemo(() => r.weekly.map((p) => Date.parse(p.at) / 1000), [r]);
  const flow = useMemo<TrendSeries[]>(
    () => [
      { label: 'Completed', color: '#2f8f5b', values: r.daily.map((p) => p.completed), bars: true },
      { label: 'Created', color: '#2563a8', values: r.daily.map((p) => p.created) },
    ],
    [r],
  );
  const sla = useMemo<TrendSeries[]>(
    () => [
      {
        label: 'SLA resolution met',
        color: '#c07a00',
        values: r.weekly.map((p) => (p.slaResolution.value === null ? null : p.slaResolution.value * 100)),
      },
    ],
    [r],
  );
  const backlog = useMemo<TrendSeries[]>(() => [{ label: 'Backlog', color: '#5b6b7d', values: r.daily.map((p) => p.backlog) }], [r]);
  return (
    <div className="org-charts">
      <TrendChart title="Created and completed per day" times={daily} series={flow} zone={zone} testId="chart-daily" />
      <TrendChart title="SLA resolution met per week" times={weekly} series={sla} yFormat={percent} zone={zone} testId="chart-sla" />
      <TrendChart title="Backlog per day" times={daily} series={backlog} zone={zone} testId="chart-backlog" />
    </div>
  );
}
