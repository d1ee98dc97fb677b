import type { KpiReportDto } from '../../../server/reports/contract-kpi';
import { useOrg } from '../shell/org-context';

/** Mean time between failures per asset (corrective and emergency work), the 100 most failing. */
export function Mtbf({ r }: { r: KpiReportDto }) {
  const { fmt } = useOrg();
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
                <td className="num">{fmt.count(a.failures)}</td>
                <td className="num">{fmt.hours(a.mtbfH)}</td>
              </tr>
            ))}
            {r.mtbf.length === 0 && (
              <tr>
                <td colSpan={3} className="muted">
                  No failures in this period.
                </td>
              </tr>
            )}
          </tbody>
        </table>
      </div>
    </section>
  );
}
