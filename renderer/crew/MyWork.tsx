import { useEffect, useMemo } from 'react';
import { useQuery, useQueryClient, type QueryClient } from '@tanstack/react-query';
import { STATUS_LABEL, SLA_LABEL, countdown } from '../shared/work-orders/labels';
import { crewQueries, type WorkOrderDto } from './queries';
import { slaLine } from './labels';
import { useNow } from '../ui/useNow';
import { useOnline } from './offline/useOutbox';
import { useDepotFormat } from '../shared/locale/context';
import type { DepotFormat } from '../shared/locale/format';
import { nextDayKey } from '../shared/locale/zone';

/**
 * While the depot is reachable, load everything each of my work orders' pages reads, so all of
 * them open in a dead spot too (the cache is persisted: offline/persist.ts). The list already
 * carries each work order's row, so details are seeded from it instead of fetched.
 */
function prefetchMyWork(queryClient: QueryClient, items: WorkOrderDto[]): void {
  const fresh = { staleTime: 60_000 };
  void queryClient.prefetchQuery({ ...crewQueries.lifecycle() });
  for (const wo of items) {
    const key = crewQueries.workOrder(wo.id).queryKey;
    const known = queryClient.getQueryData(key);
    if (!known || known.version < wo.version) queryClient.setQueryData(key, wo);
    void queryClient.prefetchQuery({ ...crewQueries.checklist(wo.id), ...fresh });
    void queryClient.prefetchQuery({ ...crewQueries.events(wo.id), ...fresh });
    void queryClient.prefetchQuery({ ...crewQueries.attachments(wo.id), ...fresh });
    void queryClient.prefetchQuery({ ...crewQueries.messages(wo.id), ...fresh });
    void queryClient.prefetchQuery({ ...crewQueries.attendance(wo.id), ...fresh });
    if (wo.assetId) void queryClient.prefetchQuery(crewQueries.asset(wo.assetId));
  }
}

/** Groups open work into today (or earlier / unplanned but active) and upcoming. */
function split(items: WorkOrderDto[], now: number, fmt: DepotFormat) {
  // "Today" is the depot's day (a phone left on another zone must not move tonight's job to tomorrow).
  const end = (fmt.startOfDay(nextDayKey(fmt.dayKey(now))) ?? now) - 1;
  const today: WorkOrderDto[] = [];
  const upcoming: WorkOrderDto[] = [];
  for (const wo of items) {
    const active = wo.status === 'EN_ROUTE' || wo.status === 'ON_SITE';
    if (active || !wo.plannedStart || Date.parse(wo.plannedStart) <= end) today.push(wo);
    else upcoming.push(wo);
  }
  return { today, upcoming };
}

export function MyWork() {
  const fmt = useDepotFormat();
  const work = useQuery(crewQueries.myWork());
  const locations = useQuery(crewQueries.locations());
  const now = useNow(30_000);
  const byLocation = useMemo(() => new Map((locations.data ?? []).map((l) => [l.id, l])), [locations.data]);
  const groups = useMemo(() => split(work.data ?? [], now, fmt), [work.data, now, fmt]);
  const queryClient = useQueryClient();
  const online = useOnline();
  const versions = (work.data ?? []).map((w) => `${w.id}:${w.version}`).join(',');
  useEffect(() => {
    if (online && work.data && work.isFetchedAfterMount) prefetchMyWork(queryClient, work.data);
    // Re-run when the list itself changes (`versions` stands for work.data), not on every render.
  }, [versions, online, work.isFetchedAfterMount, queryClient]);

  if (work.error && !work.data)
    return (
      <p role="alert" className="crew-error pad">
        {work.error.message}
      </p>
    );
  // Restored from the phone (offline, or the depot not answering): say how old it is.
  const saved = work.data && (!online || work.error) ? fmt.dateTime(work.dataUpdatedAt) : null;
  const ready = Boolean(work.data) && (!locations.isPending || !online);
  return (
    <main className="crew-list" data-testid="crew-my-work" data-state={ready ? 'ready' : 'loading'}>
      {saved && (
        <p className="crew-stale" data-testid="crew-stale">
          {online ? 'The depot is not answering' : 'Offline'}: showing your work as saved on this phone at {saved}.
        </p>
      )}
      {ready && work.data?.length === 0 && <p className="crew-empty">No open work for you or your team. Enjoy the coffee.</p>}
      {(['today', 'upcoming'] as const).map((g) =>
        groups[g].length ? (
          <section key={g}>
            <h2 className="crew-group">
              {g === 'today' ? 'Today' : 'Upcoming'} <span className="muted">{groups[g].length}</span>
            </h2>
            {groups[g].map((wo) => {
              const sla = slaLine(wo, now, countdown);
              return (
                <a
                  key={wo.id}
                  className={`crew-card prio-edge-${wo.priority}`}
                  href={`#/work-orders/${wo.id}`}
                  data-testid={`crew-wo-${wo.number}`}
                >
                  <div className="crew-card-row">
                    <span className="crew-num">{wo.number}</span>
                    <span className={`crew-status st-${wo.status}`}>{STATUS_LABEL[wo.status] ?? wo.status}</span>
                  </div>
                  <div className="crew-title">{wo.title}</div>
                  <div className="crew-card-row small">
                    <span className="muted">{wo.locationId ? (byLocation.get(wo.locationId)?.name ?? '—') : 'No location'}</span>
                    <span className="muted">{fmt.dateTime(wo.plannedStart)}</span>
                  </div>
                  {sla && (
                    <div
                      className={`crew-sla ${sla.paused ? 'sla-paused' : `sla-${wo.slaState ?? 'ok'}`}`}
                      title={wo.slaState ? SLA_LABEL[wo.slaState] : undefined}
                    >
                      {sla.label}: {sla.text}
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
