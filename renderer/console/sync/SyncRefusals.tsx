import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';

import { useToasts } from '../shell/toasts';
import { syncActions, syncQueries } from './queries';
import { actionText } from './status-label';
import { useDepotFormat } from '../../shared/locale/context';
import { TableNote } from '../../ui/TableNote';

/**
 * What the hub did not take as this depot sent it: refused changes (the actor lacked the right by
 * then, a duplicate key) and conflicts (a status move that no longer applied). Each stays until an
 * admin dismisses it; the hub's current value is already in this depot's data.
 */
export function SyncRefusals() {
  const fmt = useDepotFormat();
  const qc = useQueryClient();
  const toasts = useToasts();
  const list = useQuery(syncQueries.refusals());
  const dismiss = useMutation({ mutationFn: (id: string) => syncActions.dismiss(qc, id), onError: toasts.error });
  const items = (list.data?.items ?? []).filter((r) => !r.dismissedAt);
  return (
    <section
      className="sync-refusals"
      aria-labelledby="sync-refusals-title"
      data-testid="sync-refusals"
      data-state={list.isPending ? 'loading' : 'ready'}
      aria-busy={list.isPending}
    >
      <h3 id="sync-refusals-title">Refused and conflicting changes</h3>
      <div className="table-wrap">
        <table className="grid">
          <thead>
            <tr>
              <th>When</th>
              <th>Result</th>
              <th>Change</th>
              <th>Why</th>
              <th aria-label="Actions" />
            </tr>
          </thead>
          <tbody>
            {items.map((r) => (
              <tr key={r.mutationId} data-testid="sync-refusal" data-outcome={r.outcome}>
                <td>
                  <time dateTime={r.at}>{fmt.dateTime(r.at)}</time>
                </td>
                <td>
                  <span className={`badge ${r.outcome === 'refused' ? 'sla-breached' : 'sla-at_risk'}`}>
                    {r.outcome === 'refused' ? 'Refused' : 'Conflict'}
                  </span>
                </td>
                <td title={`${r.action ?? ''} · change #${r.seq} · ${r.mutationId}`}>{actionText(r.action)}</td>
                <td className="sync-why">
                  {r.message ?? 'The hub gave no reason.'}
                  {r.code && <span className="muted small"> ({r.code})</span>}
                </td>
                <td>
                  <button
                    disabled={dismiss.isPending && dismiss.variables === r.mutationId}
                    onClick={() => dismiss.mutate(r.mutationId)}
                    aria-label={`Dismiss: ${actionText(r.action)} at ${fmt.dateTime(r.at)}`}
                    data-testid="sync-refusal-dismiss"
                  >
                    Dismiss
                  </button>
                </td>
              </tr>
            ))}
            {list.data && items.length === 0 && (
              <TableNote span={5}>No refused or conflicting changes. Any the hub reports are listed here until dismissed.</TableNote>
            )}
            {list.isPending && <TableNote span={5}>Loading…</TableNote>}
            {list.error && (
              <TableNote span={5} alert>
                {list.error.message}
              </TableNote>
            )}
          </tbody>
        </table>
      </div>
    </section>
  );
}
