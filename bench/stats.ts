/** Small statistics and table helpers for the benchmark report. */

/** Nearest-rank percentile of already measured samples (ms). */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] as number;
}

export function median(samples: readonly number[]): number {
  return percentile(samples, 50);
}

export function ms(value: number): string {
  return `${value < 10 ? value.toFixed(2) : value.toFixed(1)} ms`;
}

export interface Row {
  metric: string;
  value: string;
  target: string;
  /** null when there is no target to pass or fail. */
  pass: boolean | null;
}

export function markdownTable(rows: Row[]): string {
  const cells = [
    ['metric', 'value', 'target', 'pass'],
    ...rows.map((r) => [r.metric, r.value, r.target, r.pass === null ? '' : r.pass ? 'yes' : 'NO']),
  ];
  const widths = cells[0]!.map((_, i) => Math.max(...cells.map((c) => c[i]!.length)));
  const line = (c: string[]) => `| ${c.map((v, i) => v.padEnd(widths[i]!)).join(' | ')} |`;
  return [line(cells[0]!), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...cells.slice(1).map(line)].join('\n');
}
