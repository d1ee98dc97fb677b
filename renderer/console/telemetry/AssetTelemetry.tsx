import { queryOptions, useQuery } from '@tanstack/react-query';
import { useEffect, useRef, useState, type ReactNode } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { getAll } from '../api/client';
import { onLiveMessage } from '../api/live';
import type { AssetDto } from '../admin/queries';
import { ago } from './DevicesTab';
import { telemetryQueries, type ReadingsDto, type TelemetryLiveMessage } from './queries';

const RANGES: [number, string][] = [[3_600_000, '1 h'], [86_400_000, '24 h'], [7 * 86_400_000, '7 days'], [30 * 86_400_000, '30 days']];
const assetsQuery = () => queryOptions({ queryKey: ['assets', 'all'], queryFn: () => getAll<AssetDto>('/assets'), staleTime: 300_000 });

type Live = Record<string, { value: number; unit: string | null; at: string }>;

/** Latest values (live over /ws) and a history chart of one asset's metrics. */
export function AssetTelemetry({ tabs }: { tabs: ReactNode }) {
  const assets = useQuery(assetsQuery());
  const [assetId, setAssetId] = useState('');
  const [metric, setMetric] = useState('');
  const [range, setRange] = useState(RANGES[0]![0]);
  const latest = useQuery({ ...telemetryQueries.latest(assetId), enabled: Boolean(assetId) });
  const [live, setLive] = useState<Live>({});

  useEffect(() => {
    setLive({});
    if (!assetId) return;
    return onLiveMessage((m) => {
      if (m.type !== 'telemetry') return;
      const data = m.data as unknown as TelemetryLiveMessage;
      if (data.assetId === assetId) setLive((prev) => ({ ...prev, ...data.metrics }));
    });
  }, [assetId]);

  const values: Live = {};
  for (const r of latest.data?.items ?? []) values[r.metric] = { value: r.value, unit: r.unit, at: r.at };
  for (const [k, v] of Object.entries(live)) if (!values[k] || v.at >= values[k].at) values[k] = v;
  const metrics = Object.keys(values).sort();
  const shown = metric && metrics.includes(metric) ? metric : (metrics[0] ?? '');

  return (
    <div className="adm-view">
      <div className="adm-toolbar">
        {tabs}
        <select value={assetId} onChange={(e) => setAssetId(e.target.value)} data-testid="telemetry-asset">
          <option value="">Pick an asset…</option>
          {(assets.data ?? []).map((a) => (
            <option key={a.id} value={a.id}>
              {a.tag} {a.name}
            </option>
          ))}
        </select>
      </div>
      {assetId && (
        <>
          <div className="tel-cards" data-testid="telemetry-latest">
            {metrics.length === 0 && <p className="empty">No readings for this asset yet.</p>}
            {metrics.map((m) => (
              <button key={m} className={`tel-card${m === shown ? ' active' : ''}`} onClick={() => setMetric(m)} data-testid={`metric-${m}`}>
                <span className="tel-metric">{m}</span>
                <b>
                  {values[m]!.value} {values[m]!.unit ?? ''}
                </b>
                <small>{ago(values[m]!.at)}</small>
              </button>
            ))}
          </div>
          {shown && (
            <>
              <div className="adm-toolbar">
                {RANGES.map(([ms, label]) => (
                  <button key={ms} className={ms === range ? 'active' : 'link'} onClick={() => setRange(ms)}>
                    {label}
                  </button>
                ))}
              </div>
              <History assetId={assetId} metric={shown} rangeMs={range} />
            </>
          )}
        </>
      )}
    </div>
  );
}

function History({ assetId, metric, rangeMs }: { assetId: string; metric: string; rangeMs: number }) {
  const history = useQuery(telemetryQueries.history(assetId, metric, rangeMs));
  const el = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!el.current || !history.data) return;
    const plot = new uPlot(chartOptions(history.data, el.current.clientWidth || 800), toSeries(history.data), el.current);
    return () => plot.destroy();
  }, [history.data]);
  return (
    <div data-testid="telemetry-chart" data-state={history.data ? 'ready' : 'loading'}>
      {history.data && (
        <p className="tel-note">
          {history.data.points.length} points, {history.data.resolution === 'raw' ? 'raw readings' : `per-${history.data.resolution} averages (band: min–max)`}
          {history.data.truncated ? ' — truncated, pick a shorter range' : ''}
        </p>
      )}
      <div ref={el} />
    </div>
  );
}

function toSeries(d: ReadingsDto): uPlot.AlignedData {
  const xs = d.points.map((p) => Date.parse(p.at) / 1000);
  if (d.resolution === 'raw') return [xs, d.points.map((p) => p.value)];
  return [xs, d.points.map((p) => p.value), d.points.map((p) => p.min ?? null), d.points.map((p) => p.max ?? null)];
}

function chartOptions(d: ReadingsDto, width: number): uPlot.Options {
  const label = `${d.metric}${d.unit ? ` (${d.unit})` : ''}`;
  const series: uPlot.Series[] = [{}, { label, stroke: '#1f77b4', width: 1.5 }];
  if (d.resolution !== 'raw') series.push({ label: 'min', stroke: '#9ecae1', width: 1 }, { label: 'max', stroke: '#9ecae1', width: 1 });
  return { width, height: 320, series, axes: [{}, { label }], scales: { x: { time: true } } };
}
