import { useQuery } from '@tanstack/react-query';
import { useEffect, useRef, useState, type ReactNode } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { onLiveMessage } from '../../shared/api/live';
import { assetsQuery, telemetryQueries, type ReadingsDto, type TelemetryLiveMessage } from './queries';
import { ago } from './Rejections';
import { useDepotFormat } from '../../shared/locale/context';
import type { DepotFormat } from '../../shared/locale/format';

const RANGES: [number, string][] = [
  [3_600_000, '1 h'],
  [86_400_000, '24 h'],
  [7 * 86_400_000, '7 days'],
  [30 * 86_400_000, '30 days'],
];

const CHART_HEIGHT = 380;

type Value = { value: number; unit: string | null; at: string };
type Live = Record<string, Value>;

function formatValue(v: number, fmt: DepotFormat): string {
  return fmt.number(v, { max: Math.abs(v) >= 1000 ? 0 : 2 });
}

/** Latest values (live over /ws) and a history chart of one asset's metrics. */
export function AssetTelemetry({ tabs }: { tabs: ReactNode }) {
  const fmt = useDepotFormat();
  const assets = useQuery(assetsQuery());
  const devices = useQuery(telemetryQueries.devices());
  const [picked, setPicked] = useState('');
  const [metric, setMetric] = useState('');
  const [range, setRange] = useState(RANGES[0]![0]);
  // Until someone picks, show the first asset a device reports for: the view is rarely empty.
  const assetId = picked || (devices.data?.find((d) => d.assetId)?.assetId ?? '');
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
  const boundDevices = (devices.data ?? []).filter((d) => d.assetId === assetId);
  const ready = !assetId || latest.isSuccess;

  return (
    <div className="adm-view" data-testid="telemetry-asset" data-state={ready ? 'ready' : 'loading'}>
      <div className="toolbar">
        {tabs}
        <select value={assetId} onChange={(e) => setPicked(e.target.value)} data-testid="telemetry-asset-picker">
          <option value="">Pick an asset…</option>
          {(assets.data ?? []).map((a) => (
            <option key={a.id} value={a.id}>
              {a.tag} {a.name}
            </option>
          ))}
        </select>
        {assetId && (
          <span className="muted small">
            {boundDevices.length === 0
              ? 'No device reports for this asset.'
              : `From ${boundDevices.map((d) => `${d.name} (${d.status?.state ?? 'unknown'})`).join(', ')}`}
          </span>
        )}
        <span className="spacer" />
        {shown && (
          <span className="adm-tabs" role="tablist" aria-label="Range">
            {RANGES.map(([ms, label]) => (
              <button
                key={ms}
                className={ms === range ? 'active' : ''}
                onClick={() => setRange(ms)}
                data-testid={`range-${label.replace(' ', '')}`}
              >
                {label}
              </button>
            ))}
          </span>
        )}
      </div>
      <div className="tel-asset-body">
        {!assetId && <p className="empty">Pick an asset to see its live values and history.</p>}
        {assetId && (
          <div className="tel-cards" data-testid="telemetry-latest">
            {latest.isSuccess && metrics.length === 0 && <p className="empty">No readings for this asset yet.</p>}
            {metrics.map((m) => (
              <button
                key={m}
                className={`tel-card${m === shown ? ' active' : ''}`}
                onClick={() => setMetric(m)}
                data-testid={`metric-${m}`}
              >
                <span className="tel-metric">{m}</span>
                <b data-testid="metric-value">
                  {formatValue(values[m]!.value, fmt)}
                  <small> {values[m]!.unit ?? ''}</small>
                </b>
                <small>{ago(values[m]!.at, fmt)}</small>
              </button>
            ))}
          </div>
        )}
        {assetId && shown && <History assetId={assetId} metric={shown} rangeMs={range} live={values[shown] ?? null} />}
      </div>
    </div>
  );
}

/** The chart: history from the host, then each live value appended (raw range only) without refetching. */
function History({ assetId, metric, rangeMs, live }: { assetId: string; metric: string; rangeMs: number; live: Value | null }) {
  const fmt = useDepotFormat();
  const history = useQuery(telemetryQueries.history(assetId, metric, rangeMs));
  const el = useRef<HTMLDivElement>(null);
  const plot = useRef<{ chart: uPlot; data: number[][]; raw: boolean } | null>(null);
  const [points, setPoints] = useState(0);

  useEffect(() => {
    const box = el.current;
    if (!box || !history.data) return;
    const data = toSeries(history.data);
    const chart = new uPlot(chartOptions(history.data, box.clientWidth || 800, fmt), data as uPlot.AlignedData, box);
    plot.current = { chart, data, raw: history.data.resolution === 'raw' };
    setPoints(history.data.points.length);
    const resize = new ResizeObserver(() => chart.setSize({ width: box.clientWidth, height: CHART_HEIGHT }));
    resize.observe(box);
    return () => {
      resize.disconnect();
      chart.destroy();
      plot.current = null;
    };
  }, [history.data, fmt]);

  useEffect(() => {
    const p = plot.current;
    if (!p || !p.raw || !live) return;
    const x = Date.parse(live.at) / 1000;
    const xs = p.data[0]!;
    if (xs.length > 0 && x <= xs[xs.length - 1]!) return;
    xs.push(x);
    p.data[1]!.push(live.value);
    // Keep the window: drop what scrolled out of the range on the left.
    const from = x - rangeMs / 1000;
    while (xs.length > 1 && xs[0]! < from) for (const s of p.data) s.shift();
    p.chart.setData(p.data as uPlot.AlignedData);
    setPoints(xs.length);
  }, [live, rangeMs]);

  return (
    <div className="tel-chart" data-testid="telemetry-chart" data-state={history.data ? 'ready' : 'loading'} data-points={points}>
      {history.data && (
        <p className="tel-note">
          {metric}
          {history.data.unit ? ` (${history.data.unit})` : ''} — {fmt.number(points)} points,{' '}
          {history.data.resolution === 'raw' ? 'raw readings, live' : `per-${history.data.resolution} averages with min–max`}
          {history.data.truncated ? ' — truncated, pick a shorter range' : ''}
        </p>
      )}
      <div ref={el} className="tel-plot" />
    </div>
  );
}

const TIME_INCRS = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400, 172800, 604800];

/** An axis tick on the depot's clock: "5 Dec" for days (and midnights), else "06:50" (seconds on short windows). */
function timeLabel(x: number, incr: number, fmt: DepotFormat): string {
  const ms = x * 1000;
  if (incr >= 86_400) return fmt.dayMonth(ms);
  return incr >= 3600 && fmt.clock(ms) === '00:00' ? fmt.dayMonth(ms) : fmt.time(ms, incr < 60);
}

function toSeries(d: ReadingsDto): number[][] {
  const xs = d.points.map((p) => Date.parse(p.at) / 1000);
  if (d.resolution === 'raw') return [xs, d.points.map((p) => p.value)];
  return [xs, d.points.map((p) => p.value), d.points.map((p) => p.min ?? p.value), d.points.map((p) => p.max ?? p.value)];
}

function chartOptions(d: ReadingsDto, width: number, fmt: DepotFormat): uPlot.Options {
  const label = `${d.metric}${d.unit ? ` (${d.unit})` : ''}`;
  const series: uPlot.Series[] = [{}, { label, stroke: '#2563a8', width: 1.5 }];
  if (d.resolution !== 'raw')
    series.push({ label: 'min', stroke: '#9db8d9', width: 1, dash: [4, 3] }, { label: 'max', stroke: '#9db8d9', width: 1, dash: [4, 3] });
  const grid = { stroke: '#edf1f5', width: 1 };
  return {
    width,
    height: CHART_HEIGHT,
    series,
    axes: [
      // Whole seconds at least (uPlot would tick milliseconds on a short live window), the depot's time.
      {
        grid,
        stroke: '#66768a',
        incrs: TIME_INCRS,
        values: (_u, splits, _axis, _space, incr) => splits.map((x) => timeLabel(x, incr, fmt)),
      },
      { label, grid, stroke: '#66768a', size: 60 },
    ],
    scales: { x: { time: true } },
    // Ticks fall on the depot's hours and midnights, not the browser's.
    tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), fmt.timeZone),
    cursor: { drag: { x: true, y: false } },
  };
}
