import type { KpiReportDto } from '../../../server/reports/contract-kpi';
import type { OrgFormat } from '../format/format';

export interface Tile {
  key: string;
  label: string;
  value: string;
  /** The raw figure, for tests and scripts ("37/40" for a ratio). */
  raw: string;
  sub?: string;
  title?: string;
  bad?: boolean;
}

/** The summary tiles of a KPI report, as the depot's Reports view shows them. */
export function summaryTiles(s: KpiReportDto['summary'], fmt: OrgFormat): Tile[] {
  const ratio = (key: string, label: string, r: KpiReportDto['summary']['onTime'], title: string): Tile => {
    const t = fmt.ratio(r);
    return { key, label, value: t.value, raw: `${r.numerator}/${r.denominator}`, sub: t.detail, title: `${title}: ${t.full}` };
  };
  const count = (key: string, label: string, n: number, extra: Partial<Tile> = {}): Tile => ({
    key,
    label,
    value: fmt.count(n),
    raw: String(n),
    ...extra,
  });
  const hours = (key: string, label: string, h: number | null, sub: string): Tile => ({
    key,
    label,
    value: fmt.hours(h),
    raw: h === null ? '' : String(h),
    sub,
  });
  return [
    count('created', 'Created', s.created),
    count('completed', 'Completed', s.completed),
    count('cancelled', 'Cancelled', s.cancelled),
    count('backlog', 'Backlog', s.backlog, {
      sub: `age avg ${fmt.hours(s.backlogAgeMeanH)} · max ${fmt.hours(s.backlogAgeMaxH)}`,
      title: `Open at the end of the period (or now). Age since creation: mean ${fmt.hours(s.backlogAgeMeanH)}, oldest ${fmt.hours(s.backlogAgeMaxH)}`,
    }),
    count('overdue', 'Overdue', s.overdue, {
      sub: 'past resolution due',
      title: 'Open at the end of the period (or now) and past its resolution due time',
      bad: s.overdue > 0,
    }),
    ratio('onTime', 'On time', s.onTime, 'Completed by the planned end'),
    ratio('slaResponse', 'SLA response', s.slaResponse, 'Response SLA met'),
    ratio('slaResolution', 'SLA resolution', s.slaResolution, 'Resolution SLA met'),
    hours('mttrRespondH', 'Time to respond', s.mttrRespondH, 'mean, to first on site'),
    hours('mttrRepairH', 'Time to repair', s.mttrRepairH, 'mean, less time on hold'),
    ratio('firstTimeFix', 'First-time fix', s.firstTimeFix, 'Fixed the first time'),
    {
      key: 'plannedActual',
      label: 'Planned / actual',
      value: `${fmt.count(s.plannedMin / 60)} / ${fmt.count(s.actualMin / 60)} h`,
      raw: `${s.plannedMin}/${s.actualMin}`,
      sub: 'on-site time vs. plan',
      title: `${fmt.count(s.plannedMin)} / ${fmt.count(s.actualMin)} min`,
    },
    { ...ratio('utilisation', 'Crew utilisation', s.utilisation, 'Shift minutes on work'), sub: undefined },
  ];
}
