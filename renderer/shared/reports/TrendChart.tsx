import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import './kpi.css';

export interface TrendSeries {
  label: string;
  color: string;
  values: (number | null)[];
  /** Draw as bars (counts per bucket) instead of a line. */
  bars?: boolean;
}

/** One small uPlot chart; re-created when the data or width changes (cheap at these sizes). */
export function TrendChart({
  title,
  times,
  series,
  yFormat,
  xFormat,
  zone,
  testId,
}: {
  title: string;
  times: number[];
  series: TrendSeries[];
  yFormat?: (v: number) => string;
  /** Day labels of the time axis (epoch ms → "05 Dec"), e.g. the depot's; uPlot's own are US-style "12/5". */
  xFormat?: (ms: number) => string;
  /** Label the time axis in this IANA zone (the organization's) instead of the browser's. */
  zone?: string;
  testId: string;
}) {
  const el = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const host = el.current;
    if (!host) return;
    const bars = uPlot.paths.bars!({ size: [0.7, 40] });
    const build = () => {
      host.innerHTML = '';
      const opts: uPlot.Options = {
        width: Math.max(240, host.clientWidth),
        height: 170,
        legend: { show: true, live: false },
        cursor: { y: false },
        ...(zone ? { tzDate: (ts: number) => uPlot.tzDate(new Date(ts * 1000), zone) } : {}),
        scales: { x: { time: true }, y: { range: (_u, min, max) => [Math.min(0, min), max > 0 ? max * 1.1 : 1] } },
        axes: [
          {
            stroke: '#66768a',
            grid: { stroke: '#eef1f4' },
            ticks: { stroke: '#dde3ea' },
            font: '11px system-ui',
            ...(xFormat ? { values: (_u: uPlot, vals: number[]) => vals.map((t) => xFormat(t * 1000)) } : {}),
          },
          {
            stroke: '#66768a',
            grid: { stroke: '#eef1f4' },
            ticks: { stroke: '#dde3ea' },
            font: '11px system-ui',
            size: 44,
            ...(yFormat ? { values: (_u: uPlot, vals: number[]) => vals.map(yFormat) } : {}),
          },
        ],
        series: [
          {},
          ...series.map((s) => ({
            label: s.label,
            stroke: s.color,
            width: s.bars ? 0 : 1.5,
            fill: s.bars ? `${s.color}cc` : undefined,
            paths: s.bars ? bars : undefined,
            points: { show: times.length < 40 },
            spanGaps: true,
          })),
        ],
      };
      return new uPlot(opts, [times, ...series.map((s) => s.values)] as uPlot.AlignedData, host);
    };
    let plot = build();
    const ro = new ResizeObserver(() => {
      if (Math.abs(plot.width - host.clientWidth) > 8) {
        plot.destroy();
        plot = build();
      }
    });
    ro.observe(host);
    return () => {
      ro.disconnect();
      plot.destroy();
    };
  }, [times, series, yFormat, xFormat, zone]);
  return (
    <section className="rep-chart" data-testid={testId}>
      <h3>{title}</h3>
      <div ref={el} className="rep-chart-canvas" />
    </section>
  );
}
