import { useInfiniteQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState, type ReactNode } from 'react';
import { ApiError } from '../../shared/api/client';
import { onLiveMessage } from '../../shared/api/live';
import { useSession } from '../../shared/api/session';

import { useToasts } from '../shell/toasts';
import { FormError } from './forms';
import {
  DELETED_KINDS,
  DELETED_TABLES,
  deletedQueries,
  restorableKinds,
  useRestore,
  type DeletedItemDto,
  type DeletedKind,
} from './deleted-queries';
import { LoadMore } from '../shell/LoadMore';
import { useDepotFormat } from '../../shared/locale/context';
import { TableNote } from '../../ui/TableNote';

/**
 * Settings → Deleted items: the recycle bin. Deletes are tombstones (issue 13), so a record deleted
 * by mistake (here, through the API, or on another console) can be brought back with its own restore
 * route. Only the kinds the signed-in role may delete are listed; the host enforces the same.
 */
export function DeletedItemsTab({ toolbar }: { toolbar: ReactNode }) {
  const fmt = useDepotFormat();
  const session = useSession();
  const qc = useQueryClient();
  const toasts = useToasts();
  const kinds = restorableKinds((p) => session.can(p));
  const [kind, setKind] = useState<DeletedKind | null>(null);
  const list = useInfiniteQuery(deletedQueries.list(kind));
  const rows = list.data?.pages.flatMap((p) => p.items) ?? [];
  const restore = useRestore();
  // Why a restore was refused, per row, kept beside the row until the next attempt.
  const [refused, setRefused] = useState<Record<string, string>>({});

  // The bin reads many tables, so it listens for any of them rather than sitting under one key.
  useEffect(
    () =>
      onLiveMessage((m) => {
        if ((m.data.tables ?? []).some((t) => DELETED_TABLES.has(t))) void qc.invalidateQueries({ queryKey: ['deleted'] });
      }),
    [qc],
  );

  const onRestore = (item: DeletedItemDto) => {
    setRefused(({ [item.id]: _gone, ...rest }) => rest);
    restore.mutate(item, {
      onSuccess: () => toasts.push({ kind: 'success', text: `${DELETED_KINDS[item.kind].label} “${item.name}” restored` }),
      onError: (e) => {
        setRefused((all) => ({ ...all, [item.id]: e instanceof ApiError ? e.message : String(e) }));
        toasts.error(e);
      },
    });
  };

  return (
    <div className="adm-view" data-testid="admin-settings" data-tab="deleted" data-state={list.isPending ? 'loading' : 'ready'}>
      <div className="toolbar">
        {toolbar}
        <select
          value={kind ?? ''}
          onChange={(e) => setKind((e.target.value || null) as DeletedKind | null)}
          aria-label="Type"
          data-testid="deleted-filter-kind"
        >
          <option value="">All types</option>
          {kinds.map((k) => (
            <option key={k} value={k}>
              {DELETED_KINDS[k].label}
            </option>
          ))}
        </select>
        <span className="spacer" />
        <span className="muted">
          {rows.length}
          {list.hasNextPage ? '+' : ''} deleted
        </span>
      </div>
      <div className="adm-body">
        <div className="table-wrap">
          <p className="muted adm-deleted-hint">
            Deleted records stay here until they are restored. Restoring brings back what the delete took along (a team’s members, a
            project’s phases); it is refused while a live record has taken the same code or the record’s parent is itself deleted.
          </p>
          <FormError error={list.error} shown={[]} />
          <table className="grid" data-testid="deleted-table">
            <thead>
              <tr>
                <th>Type</th>
                <th>Name</th>
                <th>Code / detail</th>
                <th>Deleted</th>
                <th>By</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {rows.map((item) => (
                <tr key={item.id} data-testid="deleted-row" data-kind={item.kind} data-id={item.id}>
                  <td>{DELETED_KINDS[item.kind].label}</td>
                  <td className="adm-deleted-name" title={item.name}>
                    <b>{item.name}</b>
                    {refused[item.id] && (
                      <div className="adm-field-error adm-deleted-refused" role="alert" data-testid="restore-refused">
                        {refused[item.id]}
                      </div>
                    )}
                  </td>
                  <td className="muted">{item.detail ?? '—'}</td>
                  <td title={item.deletedAt}>{fmt.dateTime(item.deletedAt)}</td>
                  <td>{item.deletedBy?.name ?? <span className="muted">system</span>}</td>
                  <td className="num">
                    <button
                      disabled={restore.isPending && restore.variables.restorePath === item.restorePath}
                      onClick={() => onRestore(item)}
                      data-testid="deleted-restore"
                    >
                      {restore.isPending && restore.variables.restorePath === item.restorePath ? 'Restoring…' : 'Restore'}
                    </button>
                  </td>
                </tr>
              ))}
              {!list.isPending && rows.length === 0 && (
                <TableNote span={6} testId="deleted-empty">
                  {kind ? `No deleted ${DELETED_KINDS[kind].label.toLowerCase()} records.` : 'Nothing has been deleted.'}
                </TableNote>
              )}
            </tbody>
          </table>
          <LoadMore list={list} />
        </div>
      </div>
    </div>
  );
}
