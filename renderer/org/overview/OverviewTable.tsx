import { useMemo, useState, type ReactNode } from 'react';
import { useNow } from '../../ui/useNow';
import type { OrgFormat } from '../format/format';
import { RatioText } from '../format/Ratio';
import { useOrg } from '../shell/org-context';
import { navigate } from '../shell/router';
import { routeHref, type Route } from '../shell/route';
import { NO_OWN_SYNC, sortRows, syncIsStale, type OverviewRow, type Sort, type SortKey } from './rows';

interface Column {
  key: SortKey;
  label: string;
  title: string;
  /** What e2e tests and scripts read: the raw figure, or "numerator/denominator" for a ratio. */
  raw(r: OverviewRow): string;
  show(r: OverviewRow): ReactNode;
}

const COLUMN_HELP = {
  openNow: 'Open right now: neither completed, closed nor cancelled.',
  overdueNow: 'Open right now and past its resolution due time.',
  created: 'Work orders created in the period.',
  completed: 'Work orders completed in the period.',
  backlog: 'Open at the end of the period (or now, if the period has not ended).',
  onTime: 'Completed in the period by their planned end, of those completed with a planned end.',
  slaResponse: 'Response SLA met, of the response clocks that stopped (or breached) in the period.',
  slaResolution: 'Resolution SLA met, of the resolution clocks that stopped (or breached) in the period; time on hold excluded.',
  mttrRepairH: 'Mean time to repair: hours from creation to completion, time on hold excluded, for work completed in the period.',
  firstTimeFix: 'Completed without a rejected closure and with no follow-up breakdown on the same asset within 30 days.',
  lastSyncAt: "The depot's last push or pull to the hub; a depot that has not synced for an hour is flagged.",
};

function useColumns(): Column[] {
  const { fmt } = useOrg();
  return useMemo(() => {
    const count = (key: SortKey, label: string, get: (r: OverviewRow) => number, flag?: (r: OverviewRow) => boolean): Column => ({
      key,
      label,
      title: COLUMN_HELP[key as keyof typeof COLUMN_HELP],
      raw: (r) => String(get(r)),
      show: (r) => <span className={flag?.(r) ? 'org-bad' : undefined}>{fmt.count(get(r))}</span>,
    });
    const ratio = (key: 'onTime' | 'slaResponse' | 'slaResolution' | 'firstTimeFix', label: string): Column => ({
      key,
      label,
      title: COLUMN_HELP[key],
      raw: (r) => `${r.summary[key].numerator}/${r.summary[key].denominator}`,
      show: (r) => <RatioText ratio={r.summary[key]} />,
    });
    return [
      count('openNow', 'Open now', (r) => r.openNow),
      count(
        'overdueNow',
        'Overdue now',
        (r) => r.overdueNow,
        (r) => r.overdueNow > 0,
      ),
      count('created', 'Created', (r) => r.summary.created),
      count('completed', 'Completed', (r) => r.summary.completed),
      count('backlog', 'Backlog', (r) => r.summary.backlog),
      ratio('onTime', 'On time'),
      ratio('slaResponse', 'SLA response'),
      ratio('slaResolution', 'SLA resolution'),
      {
        key: 'mttrRepairH',
        label: 'MTTR',
        title: COLUMN_HELP.mttrRepairH,
        raw: (r) => (r.summary.mttrRepairH === null ? '' : String(r.summary.mttrRepairH)),
        show: (r) => fmt.hours(r.summary.mttrRepairH),
      },
      ratio('firstTimeFix', 'First-time fix'),
    ];
  }, [fmt]);
}

function syncTitle(r: OverviewRow, fmt: OrgFormat): string | undefined {
  if (r.combined) return undefined;
  if (!r.lastSyncAt) return NO_OWN_SYNC;
  const at = (iso: string | null) => (iso ? fmt.dateTime(iso) : 'not recorded');
  return `Last push: ${at(r.lastPushAt)}\nLast pull: ${at(r.lastPullAt)}`;
}

export function OverviewTable({ route, depots, combined }: { route: Route; depots: OverviewRow[]; combined: OverviewRow }) {
  const { fmt } = useOrg();
  const now = useNow(30_000);
  const columns = useColumns();
  const [sort, setSort] = useState<Sort>({ key: 'name', desc: false });
  const rows = useMemo(() => sortRows(depots, sort), [depots, sort]);
  const href = (r: OverviewRow) => routeHref({ ...route, view: 'depot', depotId: r.id });

  const header = (key: SortKey, label: string, title: string, numeric = true) => (
    <th key={key} className={numeric ? 'num' : ''} aria-sort={sort.key === key ? (sort.desc ? 'descending' : 'ascending') : undefined}>
      <button
        className="link org-sort"
        title={title}
        onClick={() => setSort((s) => ({ key, desc: s.key === key ? !s.desc : key !== 'name' }))}
        data-testid={`sort-${key}`}
      >
        {label}
        <span aria-hidden="true">{sort.key === key ? (sort.desc ? ' ▾' : ' ▴') : ''}</span>
      </button>
    </th>
  );

  const line = (r: OverviewRow) => {
    const stale = syncIsStale(r, now);
    return (
      <tr
        key={r.id}
        className={`clickable${r.combined ? ' org-combined' : ''}`}
        onClick={(e) => {
          // The name is a real link (keyboard, middle click); a click elsewhere on the line opens it too.
          if (!(e.target as HTMLElement).closest('a')) navigate({ view: 'depot', depotId: r.id });
        }}
        data-testid={r.combined ? 'overview-combined' : 'overview-row'}
        data-depot-id={r.id}
      >
        <th scope="row" className="org-depot-name">
          <a href={href(r)} data-testid="depot-link">
            {r.name}
          </a>
          {r.code && <span className="muted small"> {r.code}</span>}
        </th>
        {columns.map((c) => (
          <td key={c.key} className="num" data-col={c.key} data-value={c.raw(r)}>
            {c.show(r)}
          </td>
        ))}
        <td data-col="lastSyncAt" data-value={r.lastSyncAt ?? ''} title={syncTitle(r, fmt)} className={stale ? 'org-warn' : undefined}>
          {r.combined ? '' : r.lastSyncAt ? fmt.ago(r.lastSyncAt, now) : '—'}
          {stale && <span className="org-visually-hidden"> (not synced for over an hour)</span>}
        </td>
      </tr>
    );
  };

  return (
    <table className="grid org-table" data-testid="overview-table">
      <caption className="org-visually-hidden">Key figures per depot for the period, with all depots together on the last line</caption>
      <thead>
        <tr>
          {header('name', 'Depot', 'Depot name', false)}
          {columns.map((c) => header(c.key, c.label, c.title))}
          {header('lastSyncAt', 'Last sync', COLUMN_HELP.lastSyncAt, false)}
        </tr>
      </thead>
      <tbody>{rows.map(line)}</tbody>
      <tfoot>{line(combined)}</tfoot>
    </table>
  );
}
