import { useMemo, useState } from 'react';
import type { KpiReportDto } from '../../../server/reports/contract-kpi';
import { READER_NUMBERS, type ReportNumbers } from './format';
import './kpi.css';
import { TableNote } from '../../ui/TableNote';

type KpiRowDto = KpiReportDto['byDimension']['team'][number];
type RatioDto = KpiRowDto['onTime'];

type Col = {
  key: string;
  label: string;
  value: (r: KpiRowDto) => number | null;
  show: (r: KpiRowDto) => string;
  title?: (r: KpiRowDto) => string;
};

const ratioCol = ({ pct }: ReportNumbers, key: keyof KpiRowDto, label: string): Col => ({
  key,
  label,
  value: (r) => (r[key] as RatioDto).value,
  show: (r) => pct((r[key] as RatioDto).value, 0),
  title: (r) => `${(r[key] as RatioDto).numerator} / ${(r[key] as RatioDto).denominator}`,
});
const countCol = ({ num }: ReportNumbers, key: keyof KpiRowDto, label: string, digits = 0): Col => ({
  key,
  label,
  value: (r) => r[key] as number | null,
  show: (r) => num(r[key] as number | null, digits),
});

const columnsFor = (n: ReportNumbers): Col[] => [
  countCol(n, 'created', 'Created'),
  countCol(n, 'completed', 'Completed'),
  countCol(n, 'backlog', 'Backlog'),
  countCol(n, 'overdue', 'Overdue'),
  ratioCol(n, 'onTime', 'On time'),
  ratioCol(n, 'slaResponse', 'SLA resp.'),
  ratioCol(n, 'slaResolution', 'SLA resol.'),
  countCol(n, 'mttrRespondH', 'Resp. h', 1),
  countCol(n, 'mttrRepairH', 'Repair h', 1),
  ratioCol(n, 'firstTimeFix', 'First fix'),
  ratioCol(n, 'utilisation', 'Util.'),
];

/** A KPI table per team / technician / …, sortable by any column (click a header; again to reverse). */
/** `numbers`: the depot console passes its depot's (reportNumbers); the org console reads in the reader's locale. */
export function KpiTable({
  title,
  rows,
  testId,
  numbers = READER_NUMBERS,
}: {
  title: string;
  rows: KpiRowDto[];
  testId: string;
  numbers?: ReportNumbers;
}) {
  const columns = useMemo(() => columnsFor(numbers), [numbers]);
  const [sort, setSort] = useState<{ key: string; desc: boolean }>({ key: 'created', desc: true });
  const sorted = useMemo(() => {
    const col = columns.find((c) => c.key === sort.key);
    const val = (r: KpiRowDto) => (col ? col.value(r) : r.label);
    return [...rows].sort((a, b) => {
      const x = val(a);
      const y = val(b);
      const cmp = x === null ? 1 : y === null ? -1 : typeof x === 'string' ? x.localeCompare(String(y)) : x - (y as number);
      return x === null || y === null ? cmp : sort.desc ? -cmp : cmp;
    });
  }, [rows, sort, columns]);
  const header = (key: string, label: string) => (
    <th key={key} className={key === 'label' ? '' : 'num'} aria-sort={sort.key === key ? (sort.desc ? 'descending' : 'ascending') : 'none'}>
      <button className="link rep-sort" onClick={() => setSort((s) => ({ key, desc: s.key === key ? !s.desc : key !== 'label' }))}>
        {label}
        {sort.key === key ? (sort.desc ? ' ▾' : ' ▴') : ''}
      </button>
    </th>
  );
  return (
    <section className="rep-panel" data-testid={testId}>
      <h3>{title}</h3>
      <div className="rep-scroll">
        <table className="grid rep-table">
          <thead>
            <tr>
              {header('label', 'Name')}
              {columns.map((c) => header(c.key, c.label))}
            </tr>
          </thead>
          <tbody>
            {sorted.map((r) => (
              <tr key={r.key} data-key={r.key}>
                <td title={r.label}>{r.label}</td>
                {columns.map((c) => (
                  <td key={c.key} className="num" title={c.title?.(r)}>
                    {c.show(r)}
                  </td>
                ))}
              </tr>
            ))}
            {sorted.length === 0 && <TableNote span={columns.length + 1}>No work in this period.</TableNote>}
          </tbody>
        </table>
      </div>
    </section>
  );
}
