import type { KpiReport, KpiRow, KpiSummary, Ratio, TrendPoint } from './kpi-types.js';

/** Hand-made KPI reports for renderer tests (and for trying a layout without a database). */

const r = (numerator: number, denominator: number): Ratio => ({
  numerator,
  denominator,
  value: denominator ? numerator / denominator : null,
});

export function sampleSummary(seed = 1): KpiSummary {
  return {
    created: 40 * seed,
    completed: 37 * seed,
    cancelled: 2,
    backlog: 12,
    backlogAgeMeanH: 30.5,
    backlogAgeMaxH: 120.25,
    onTime: r(30, 37),
    slaResponse: r(35, 38),
    slaResolution: r(33, 37),
    mttrRespondH: 2.4,
    mttrRepairH: 18.75,
    firstTimeFix: r(34, 37),
    overdue: 3,
    plannedMin: 4200,
    actualMin: 4555,
    utilisation: r(5200, 7200),
  };
}

export function sampleReport(opts: { from?: string; days?: number; breached?: number } = {}): KpiReport {
  const from = Date.parse(opts.from ?? '2026-10-01T00:00:00Z');
  const days = opts.days ?? 31;
  const to = from + days * 86_400_000;
  const daily: TrendPoint[] = Array.from({ length: days }, (_, i) => ({
    at: from + i * 86_400_000,
    created: 3 + (i % 5),
    completed: 2 + ((i * 3) % 6),
    backlog: 10 + ((i * 7) % 9),
    slaResolution: r(4 + (i % 3), 5 + (i % 3)),
  }));
  const weekly: TrendPoint[] = Array.from({ length: Math.ceil(days / 7) }, (_, i) => ({
    at: from + i * 7 * 86_400_000,
    created: 25,
    completed: 22,
    backlog: 12,
    slaResolution: r(18 + i, 22 + i),
  }));
  const row = (dimension: KpiRow['dimension'], key: string, label: string, seed: number): KpiRow => ({
    ...sampleSummary(seed),
    dimension,
    key,
    label,
  });
  return {
    query: { orgId: 'org-1', from, to, filters: { teamId: 'team-n' }, zone: 'Europe/London', now: to + 3_600_000 },
    generatedAt: to + 3_600_000,
    summary: sampleSummary(),
    byDimension: {
      team: [row('team', 'team-n', 'North crew', 1), row('team', 'team-s', 'South crew — Łódź', 2)],
      technician: [row('technician', 'u1', 'Jo Técnico', 1), row('technician', 'u2', 'Sam Øster', 1)],
      type: [row('type', 'corrective', 'corrective', 1), row('type', 'preventive', 'preventive', 1)],
      location: [row('location', 'l1', 'Pump station 4', 1)],
      asset: [row('asset', 'a1', 'Pump P-104', 1)],
    },
    mtbf: [
      { assetId: 'a1', label: 'Pump P-104', failures: 3, mtbfH: 240.5 },
      { assetId: 'a2', label: 'Valve V-9', failures: 1, mtbfH: null },
    ],
    daily,
    weekly,
    breached: Array.from({ length: opts.breached ?? 3 }, (_, i) => ({
      id: `wo-${i}`,
      number: `WO-${String(100 + i).padStart(6, '0')}`,
      title: `Burst main on Elm Street ${i} ≥ 2 bar`,
      teamName: 'North crew',
      assigneeName: 'Jo Técnico',
      kind: i % 2 ? ('response' as const) : ('resolution' as const),
      dueAt: from + i * 3_600_000,
      metAt: i % 3 ? from + i * 3_600_000 + 5_400_000 : null,
      lateByMin: 90 + i,
      reasons: i % 2 ? ['On hold: waiting for parts', 'Closure rejected: photo missing'] : [],
    })),
  };
}
