import type { KpiReportDto } from '../../../server/reports/contract-kpi';
import { useOrg } from '../shell/org-context';

const late = (m: number, hours: (h: number) => string) => (m >= 1440 ? `${(m / 1440).toFixed(1)} d` : m >= 60 ? hours(m / 60) : `${m} min`);

/** SLA breaches in the period, most late first (the hub sends the worst ones and the total). */
export function Breached({ r }: { r: KpiReportDto }) {
  const { fmt } = useOrg();
  return (
    <section className="rep-panel" data-testid="table-breached" aria-labelledby="breached-title">
      <h3 id="breached-title">
        SLA breaches{' '}
        <span className="muted small">
          {r.breachedTotal > r.breached.length
            ? `the ${r.breached.length} most late of ${fmt.count(r.breachedTotal)}`
            : fmt.count(r.breachedTotal)}
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
              <tr key={`${b.id}-${b.kind}`} data-testid="breached-row">
                <td title={b.title}>
                  <strong>{b.number}</strong> {b.title}
                </td>
                <td>
                  <span className="badge sla-breached">{b.kind}</span>
                  {b.metAt === null && <span className="muted small"> still open</span>}
                </td>
                <td>{fmt.dateTime(b.dueAt)}</td>
                <td className="num">{late(b.lateByMin, fmt.hours)}</td>
                <td>{b.teamName ?? '—'}</td>
                <td>{b.assigneeName ?? '—'}</td>
                <td className="muted" title={b.reasons.join('\n')}>
                  {b.reasons.join('; ') || '—'}
                </td>
              </tr>
            ))}
            {r.breached.length === 0 && (
              <tr>
                <td colSpan={7} className="muted">
                  No SLA breaches in this period.
                </td>
              </tr>
            )}
          </tbody>
        </table>
      </div>
    </section>
  );
}
