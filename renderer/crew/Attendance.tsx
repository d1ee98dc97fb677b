import { useState } from 'react';
import { useQuery } from '@tanstack/react-query';

import { fieldQueries, formatMetres, type AttendanceDto } from '../shared/work-orders/field-queries';
import { crewActions } from './actions';
import { currentPosition } from './geo';
import type { OutboxAction } from './offline/types';
import { ofKind } from './pending';
import { PendingMark, Refused } from './proof-ui';
import { useDepotFormat } from '../shared/locale/context';

function FenceLine({ r }: { r: AttendanceDto }) {
  const fmt = useDepotFormat();
  const what = r.kind === 'check_in' ? 'Checked in' : 'Checked out';
  return (
    <li className={`cp-att cp-fence-${r.fence}`} data-testid="crew-attendance" data-fence={r.fence} data-kind={r.kind}>
      <div>
        <b>{what}</b> {fmt.dateTime(r.at)}
      </div>
      {r.fence === 'inside' && (
        <div className="small">At the site{r.distanceM !== null ? ` (${formatMetres(r.distanceM)} from its centre)` : ''}.</div>
      )}
      {r.fence === 'outside' && (
        <div className="small cp-warn">
          Outside the site{r.distanceM !== null ? `, ${formatMetres(r.distanceM)} away` : ''}: your supervisor will see this.
        </div>
      )}
      {r.fence === 'unknown' && (
        <div className="small cp-warn">No location, so the site could not be checked: your supervisor will see this.</div>
      )}
    </li>
  );
}

/**
 * Check in and out at the site. The position (if the phone gives one within 5 s) goes with it; the
 * host compares it with the site's fence. Outside is allowed, and flagged for the supervisor.
 */
export function Attendance({
  workOrderId,
  userId,
  pending,
  disabled,
}: {
  workOrderId: string;
  userId: string;
  pending: OutboxAction[];
  disabled: boolean;
}) {
  const fmt = useDepotFormat();
  const records = useQuery(fieldQueries.attendance(workOrderId));
  const [busy, setBusy] = useState<'check_in' | 'check_out' | null>(null);
  const [error, setError] = useState<string | null>(null);
  const mine = (records.data?.items ?? []).filter((r) => r.userId === userId);
  const queued = ofKind(pending, 'attendance');
  const lastKind = (queued.filter((a) => a.state !== 'refused').at(-1)?.preview.kind as string | undefined) ?? mine.at(-1)?.kind ?? null;
  const inside = lastKind === 'check_in';

  const tap = async (kind: 'check_in' | 'check_out') => {
    setBusy(kind);
    setError(null);
    try {
      // A fresh reading: checking in is about where the phone is now, not a minute ago.
      const position = await currentPosition(5000, 0);
      await crewActions.attendance(workOrderId, kind, position);
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(null);
    }
  };

  return (
    <section className="crew-block" data-testid="crew-attendance-block" data-checked-in={inside ? 'yes' : 'no'}>
      <div className="crew-label">Attendance</div>
      <ul className="cp-atts">
        {mine.slice(-4).map((r) => (
          <FenceLine key={r.id} r={r} />
        ))}
        {queued.map((a) => (
          <li key={a.id} className="cp-att" data-testid="crew-attendance-pending">
            <b>{a.label}</b> {fmt.dateTime(a.createdAt)} <PendingMark action={a} />
            <Refused action={a} />
          </li>
        ))}
      </ul>
      {error && (
        <p role="alert" className="crew-error">
          {error}
        </p>
      )}
      {/* After the job is done, checking out is still right; checking in is not. */}
      {(!disabled || inside) && (
        <button
          type="button"
          className={`crew-big ${inside ? '' : 'primary'}`}
          disabled={busy !== null}
          data-testid={inside ? 'crew-check-out' : 'crew-check-in'}
          onClick={() => void tap(inside ? 'check_out' : 'check_in')}
        >
          {busy ? 'Finding your position…' : inside ? 'Check out' : 'Check in'}
        </button>
      )}
    </section>
  );
}
