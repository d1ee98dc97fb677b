import { useQuery } from '@tanstack/react-query';
import { useDepotFormat } from '../../shared/locale/context';
import { ACTIVITY_MAX_DAYS } from '../../../server/reports/activity/contract';
import { reportQueries, type ActivityReportDto } from './queries';
import { TableNote } from '../../ui/TableNote';

const DAY_MS = 86_400_000;

type Person = ActivityReportDto['people'][number];

/**
 * Who did the work: per person, work orders created, changed and completed in the period, with a
 * strip of one bar per day (the day's creations and changes, scaled to the person's busiest day) to
 * show when. Read from the audit trail.
 */
export function ActivityTable({ from, to }: { from: string; to: string }) {
  const fmt = useDepotFormat();
  // A year's report shows the activity of its last 92 days, and says so.
  const clamped = Date.parse(to) - Date.parse(from) > ACTIVITY_MAX_DAYS * DAY_MS;
  const start = clamped ? new Date(Date.parse(to) - ACTIVITY_MAX_DAYS * DAY_MS).toISOString() : from;
  const activity = useQuery(reportQueries.activity({ from: start, to }));
  const a = activity.data;
  return (
    <section className="rep-panel" data-testid="table-activity">
      <h3>Activity by person</h3>
      {clamped && <p className="muted small">The last {ACTIVITY_MAX_DAYS} days of the period.</p>}
      {activity.isError && <div className="form-error">{activity.error.message}</div>}
      <div className="rep-scroll">
        <table className="grid rep-table">
          <thead>
            <tr>
              <th>Name</th>
              <th>Role</th>
              <th className="num">Created</th>
              <th className="num" title="Edits, plans and status changes, completions included">
                Changed
              </th>
              <th className="num">Completed</th>
              <th>By day</th>
            </tr>
          </thead>
          <tbody>
            {a?.people.map((p) => (
              <tr key={p.userId ?? 'system'} data-user={p.userId ?? 'system'}>
                <td title={p.name}>{p.name}</td>
                <td className="muted">{p.role ?? '—'}</td>
                <td className="num">{fmt.number(p.created)}</td>
                <td className="num">{fmt.number(p.updated)}</td>
                <td className="num">{fmt.number(p.completed)}</td>
                <td>
                  <DayStrip person={p} days={a.days} />
                </td>
              </tr>
            ))}
            {a && a.people.length === 0 && <TableNote span={6}>Nobody created or changed work in this period.</TableNote>}
            {!a && !activity.isError && <TableNote span={6}>Counting…</TableNote>}
          </tbody>
        </table>
      </div>
    </section>
  );
}

/** Scaled to the person's own busiest day: the shape of each one's weeks, not a race between roles. */
function DayStrip({ person, days }: { person: Person; days: string[] }) {
  const fmt = useDepotFormat();
  const peak = Math.max(1, ...person.perDay.map((d) => d.created + d.updated));
  return (
    <span className="rep-strip" aria-hidden="true">
      {person.perDay.map((d, i) => {
        const n = d.created + d.updated;
        const day = days[i]!;
        return (
          <span
            key={day}
            className={n ? 'rep-strip-bar' : 'rep-strip-bar rep-strip-empty'}
            style={{ height: `${Math.max(2, Math.round((18 * n) / peak))}px` }}
            title={`${fmt.date(fmt.startOfDay(day))}: ${d.created} created, ${d.updated} changed, ${d.completed} completed`}
          />
        );
      })}
    </span>
  );
}
