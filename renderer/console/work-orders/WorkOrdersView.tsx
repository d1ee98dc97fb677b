import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { api, type Page, type Query } from '../../shared/api/client';
import { useLookups } from '../../shared/catalog/queries';
import { openWorkOrder } from '../shell/router';
import { PRIORITIES, SLA_LABEL, STATUS_LABEL, STATUSES, TYPES } from '../../shared/work-orders/labels';
import { workOrderQueries, type WorkOrderDto } from '../../shared/work-orders/queries';
import { openNewWorkOrder } from './NewWorkOrder';
import { useSession } from '../../shared/api/session';
import { LoadMore } from '../shell/LoadMore';
import { useDepotFormat } from '../../shared/locale/context';

/** The searchable list of every work order, with the API's filters and keyset paging. */
export function WorkOrdersView() {
  const fmt = useDepotFormat();
  const lookups = useLookups();
  const session = useSession();
  const [filters, setFilters] = useState<Query>({ sort: '-createdAt' });
  const set = (key: string) => (e: { target: { value: string } }) => setFilters({ ...filters, [key]: e.target.value || undefined });
  // The whole count under the same filters ("100 of 2,031 shown", not "100+").
  const { sort: _sort, ...countFilters } = filters;
  const total = useQuery(workOrderQueries.counts(countFilters));
  const list = useInfiniteQuery({
    queryKey: ['work_orders', 'table', filters],
    queryFn: ({ pageParam }) => api.get<Page<WorkOrderDto>>('/work-orders', { ...filters, limit: 100, cursor: pageParam ?? undefined }),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
  });
  const rows = list.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <>
      <div className="toolbar">
        <h2>Work orders</h2>
        <input placeholder="Text or number" onChange={set('q')} data-testid="wo-filter-q" />
        <select onChange={set('status')} aria-label="Status">
          <option value="">Any status</option>
          {STATUSES.map((s) => (
            <option key={s} value={s}>
              {STATUS_LABEL[s]}
            </option>
          ))}
        </select>
        <select onChange={set('priority')} aria-label="Priority">
          <option value="">Any priority</option>
          {PRIORITIES.map((p) => (
            <option key={p}>{p}</option>
          ))}
        </select>
        <select onChange={set('type')} aria-label="Type">
          <option value="">Any type</option>
          {TYPES.map((t) => (
            <option key={t}>{t}</option>
          ))}
        </select>
        <select onChange={set('teamId')} aria-label="Team">
          <option value="">Any team</option>
          {lookups.teamsList.map((t) => (
            <option key={t.id} value={t.id}>
              {t.name}
            </option>
          ))}
        </select>
        <select onChange={set('slaState')} aria-label="SLA">
          <option value="">Any SLA state</option>
          {Object.entries(SLA_LABEL).map(([k, v]) => (
            <option key={k} value={k}>
              {v}
            </option>
          ))}
        </select>
        <select value={String(filters.sort)} onChange={set('sort')} aria-label="Sort">
          <option value="-createdAt">Newest</option>
          <option value="dueAt">Due soonest</option>
          <option value="priority">Priority</option>
          <option value="-number">Number</option>
        </select>
        <span className="spacer" />
        <span className="muted" data-testid="wo-shown">
          {total.data && list.hasNextPage ? `${rows.length} of ${fmt.number(total.data.total)}` : rows.length} shown
        </span>
        {session.can('workorder:create') && (
          <button className="primary" onClick={openNewWorkOrder} title="New work order (N)" data-testid="new-wo">
            New work order
          </button>
        )}
      </div>
      <div className="table-wrap" data-state={list.isPending ? 'loading' : 'ready'}>
        <table className="grid" data-testid="wo-table">
          <thead>
            <tr>
              <th>Number</th>
              <th>Title</th>
              <th>Status</th>
              <th>Priority</th>
              <th>SLA</th>
              <th>Location</th>
              <th>Assignee</th>
              <th>Due</th>
              <th>Planned</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((w) => (
              <tr key={w.id} className="clickable" onClick={() => openWorkOrder(w.id)} data-testid="wo-row">
                <td>
                  <b>{w.number}</b>
                </td>
                <td className="wol-title" title={w.title}>
                  {w.title}
                </td>
                <td>{STATUS_LABEL[w.status]}</td>
                <td>
                  <span className={`badge prio-${w.priority}`}>{w.priority}</span>
                </td>
                <td>{w.slaState && <span className={`badge sla-${w.slaState}`}>{SLA_LABEL[w.slaState]}</span>}</td>
                <td className="wol-location">{(w.locationId && lookups.locations.get(w.locationId)?.name) ?? '—'}</td>
                <td>{(w.assigneeId && lookups.users.get(w.assigneeId)?.name) ?? <span className="muted">Unassigned</span>}</td>
                <td>{fmt.dateTime(w.resolutionDueAt)}</td>
                <td>{fmt.dateTime(w.plannedStart)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <LoadMore list={list} />
      </div>
    </>
  );
}
