import { useMemo } from 'react';
import { useQuery } from '@tanstack/react-query';
import { STATUS_LABEL, SLA_LABEL, countdown, formatTime } from '../console/work-orders/labels';
import { crewQueries, type WorkOrderDto } from './queries';
import { activeDue } from './labels';
import { useNow } from './useNow';

/** Groups open work into today (or earlier / unplanned but active) and upcoming. */
function split(items: WorkOrderDto[], now: number) {
  const end = new Date(now);
  end.setHours(23, 59, 59, 999);
  const today: WorkOrderDto[] = [];
  const upcoming: WorkOrderDto[] = [];
  for (const wo of items) {
    const active = wo.status === 'EN_ROUTE' || wo.status === 'ON_SITE';
    if (active || !wo.plannedStart || Date.parse(wo.plannedStart) <= end.getTime()) today.push(wo);
    else upcoming.push(wo);
  }
  return { today, upcoming };
}

export function MyWork() {
  const work = useQuery(crewQueries.myWork());
  const locations = useQuery(crewQueries.locations());
  const now = useNow();
  const byLocation = useMemo(() => new Map((locations.data ?? []).map((l) => [l.id, l])), [locations.data]);
  const groups = useMemo(() => split(work.data ?? [], now), [work.data, now]);

  if (work.error) return <p role="alert" className="crew-error pad">{work.error.message}</p>;
  const ready = work.isSuccess && !locations.isPending;
  return (
    <main className="crew-list" data-testid="crew-my-work" data-state={ready ? 'ready' : 'loading'}>
      {ready && work.data.length === 0 && <p className="crew-empty">No open work for you or your team. Enjoy the coffee.</p>}
      {(['today', 'upcoming'] as const).map((g) =>
        groups[g].length ? (
          <section key={g}>
            <h2 className="crew-group">{g === 'today' ? 'Today' : 'Upcoming'} <span className="muted">{groups[g].length}</span></h2>
            {groups[g].map((wo) => {
              const due = activeDue(wo);
              return (
                <a key={wo.id} className={`crew-card prio-edge-${wo.priority}`} href={`#/work-orders/${wo.id}`} data-testid={`crew-wo-${wo.number}`}>
                  <div className="crew-card-row">
                    <span className="crew-num">{wo.number}</span>
                    <span className={`crew-status st-${wo.status}`}>{STATUS_LABEL[wo.status] ?? wo.status}</span>
                  </div>
                  <div className="crew-title">{wo.title}</div>
                  <div className="crew-card-row small">
                    <span className="muted">{wo.locationId ? (byLocation.get(wo.locationId)?.name ?? '—') : 'No location'}</span>
                    <span className="muted">{formatTime(wo.plannedStart)}</span>
                  </div>
                  {due.due && (
                    <div className={`crew-sla sla-${wo.slaState ?? 'ok'}`} title={wo.slaState ? SLA_LABEL[wo.slaState] : undefined}>
                      {due.label}: {countdown(due.due, now)}
                    </div>
                  )}
                </a>
              );
            })}
          </section>
        ) : null,
      )}
    </main>
  );
}
