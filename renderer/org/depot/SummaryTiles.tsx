import type { KpiReportDto } from '../../../server/reports/contract-kpi';
import { useOrg } from '../shell/org-context';
import { summaryTiles } from './tiles';

export function SummaryTiles({ summary }: { summary: KpiReportDto['summary'] }) {
  const { fmt } = useOrg();
  return (
    <ul className="rep-tiles" aria-label="Summary">
      {summaryTiles(summary, fmt).map((t) => (
        <li key={t.key} className={`rep-tile${t.bad ? ' bad' : ''}`} title={t.title} data-testid={`tile-${t.key}`} data-value={t.raw}>
          <div className="rep-tile-label">{t.label}</div>
          <div className="rep-tile-value">{t.value}</div>
          {t.sub && <div className="rep-tile-sub">{t.sub}</div>}
        </li>
      ))}
    </ul>
  );
}
