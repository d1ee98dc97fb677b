import type { KpiReportDto } from '../../../server/reports/contract-kpi';
import { TableNote } from '../../ui/TableNote';

/** How a report's numbers and times are written (each app passes its own: the depot's or the org's zone and locale). */
export interface ReportFormat {
  count(n: number): string;
  /** One decimal in the reader's locale, "—" for none. */
  decimal(v: number | null): string;
  dateTime(iso: string): string;
}

const late = (m: number, f: ReportFormat) => (m >= 1440 ? `${f.decimal(m / 1440)} d` : m >= 60 ? `${f.decimal(m / 60)} h` : `${m} min`);

/** SLA breaches in the period, most late first (the host sends the worst ones and the total). `onOpen` makes rows open the work order. */
export function BreachedTable({ r, format, onOpen }: { r: KpiReportDto; format: ReportFormat; onOpen?: (id: string) => void }) {
  return (
    <section className="rep-panel" data-testid="table-breached" aria-labelledby="breached-title">
      <h3 id="breached-title">
        SLA breaches{' '}
        <span className="muted small">
          {r.breachedTotal > r.breached.length
            ? `the ${r.breached.length} most late of ${format.count(r.breachedTotal)}`
            : format.count(r.breachedTotal)}
        </span>
      </h3>
      <div className="rep-scroll">
        <table className="grid rep-table">
          <thead>
            <tr>
              <th>Work order</th>
              <th>SLA</th>
              <th>Due</th>
              <th className="num">Late by</th>
              <th>Team</th>
              <th>Assignee</th>
              <th>Why</th>
            </tr>
          </thead>
          <tbody>
            {r.breached.map((b) => (
              <tr
                key={`${b.id}-${b.kind}`}
                className={onOpen ? 'clickable' : undefined}
                onClick={onOpen ? () => onOpen(b.id) : undefined}
                data-testid="breached-row"
              >
                <td title={b.title}>
                  <strong>{b.number}</strong> {b.title}
                </td>
                <td>
                  <span className="badge sla-breached">{b.kind}</span>
                  {b.metAt === null && <span className="muted small"> still open</span>}
                </td>
                <td>{format.dateTime(b.dueAt)}</td>
                <td className="num">{late(b.lateByMin, format)}</td>
                <td>{b.teamName ?? '—'}</td>
                <td>{b.assigneeName ?? '—'}</td>
                <td className="muted" title={b.reasons.join('\n')}>
                  {b.reasons.join('; ') || '—'}
                </td>
              </tr>
            ))}
            {r.breached.length === 0 && <TableNote span={7}>No SLA breaches in this period.</TableNote>}
          </tbody>
        </table>
      </div>
    </section>
  );
}

/** Mean time between failures per asset (corrective and emergency work), the 100 most failing. */
export function MtbfTable({ r, format }: { r: KpiReportDto; format: ReportFormat }) {
  return (
    <section className="rep-panel" data-testid="table-mtbf" aria-labelledby="mtbf-title">
      <h3 id="mtbf-title">
        Mean time between failures <span className="muted small">corrective and emergency work per asset</span>
      </h3>
      <div className="rep-scroll">
        <table className="grid rep-table">
          <thead>
            <tr>
              <th>Asset</th>
              <th className="num">Failures</th>
              <th className="num">MTBF</th>
            </tr>
          </thead>
          <tbody>
            {r.mtbf.slice(0, 100).map((a) => (
              <tr key={a.assetId}>
                <td title={a.label}>{a.label}</td>
                <td className="num">{format.count(a.failures)}</td>
                <td className="num">{a.mtbfH === null ? '—' : `${format.decimal(a.mtbfH)} h`}</td>
              </tr>
            ))}
            {r.mtbf.length === 0 && <TableNote span={3}>No failures in this period.</TableNote>}
          </tbody>
        </table>
      </div>
    </section>
  );
}
