import { useQuery } from '@tanstack/react-query';
import { useSession } from '../../shared/api/session';
import { openWorkOrder } from '../shell/router';
import { fieldQueries } from '../../shared/work-orders/field-queries';
import { AttendanceRow } from '../work-orders/FieldLogTab';
import '../work-orders/field.css';

/**
 * Check-ins and check-outs outside the site's fence (or without a position) that no supervisor has
 * reviewed yet. Outside is allowed (a big site, a poor fix), so this is a list to look at, not an
 * alarm. Supervisors and admins mark each as reviewed; dispatchers see the list.
 */
export function FlaggedCheckins() {
  const session = useSession();
  const allowed = session.can('attendance:read');
  const flagged = useQuery({ ...fieldQueries.flagged(), enabled: allowed });
  const items = flagged.data?.items ?? [];
  if (!allowed || flagged.isError) return null;
  return (
    <details
      className="fx-flagged"
      data-testid="flagged-checkins"
      data-count={items.length}
      data-state={flagged.isSuccess ? 'ready' : 'loading'}
      open={items.length > 0}
    >
      <summary>
        Flagged check-ins:{' '}
        {flagged.isSuccess ? (items.length ? `${items.length} outside the site fence or without a location, not reviewed` : 'none') : '…'}
      </summary>
      {items.length > 0 && (
        <div className="table-wrap">
          <table className="grid wo-mini fx-att">
            <thead>
              <tr>
                <th>Work order</th>
                <th>What</th>
                <th>Who</th>
                <th>When</th>
                <th>Site fence</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {items.map((r) => (
                <AttendanceRow
                  key={r.id}
                  r={r}
                  showWorkOrder={
                    <button type="button" className="link" onClick={() => openWorkOrder(r.workOrderId)}>
                      {r.workOrderNumber}
                    </button>
                  }
                />
              ))}
            </tbody>
          </table>
        </div>
      )}
    </details>
  );
}
