import { useState } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useSession } from '../../shared/api/session';
import { useToasts } from '../shell/toasts';
import {
  ATTENDANCE_LABEL,
  FENCE_LABEL,
  fieldQueries,
  fieldWrites,
  formatMetres,
  notesOf,
  type AttendanceDto,
  type NoteData,
} from '../../shared/work-orders/field-queries';

import { workOrderQueries, type WorkOrderDto } from '../../shared/work-orders/queries';
import './field.css';
import { useDepotFormat } from '../../shared/locale/context';

/** One check-in or -out with its fence verdict; supervisors mark an outside one as reviewed. */
export function AttendanceRow({ r, showWorkOrder }: { r: AttendanceDto; showWorkOrder?: React.ReactNode }) {
  const fmt = useDepotFormat();
  const session = useSession();
  const toasts = useToasts();
  const queryClient = useQueryClient();
  const [busy, setBusy] = useState(false);
  const canReview = session.can('attendance:review');
  const flagged = r.fence !== 'inside';
  const review = async () => {
    setBusy(true);
    try {
      await fieldWrites.review(r.id);
      void queryClient.invalidateQueries({ queryKey: ['attendance'] });
    } catch (err) {
      toasts.error(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <tr data-testid="wo-attendance" data-fence={r.fence} className={`fx-fence-${r.fence}`}>
      {showWorkOrder !== undefined && <td>{showWorkOrder}</td>}
      <td>{ATTENDANCE_LABEL[r.kind]}</td>
      <td>{r.userName ?? '…'}</td>
      <td className="fx-when">{fmt.dateTime(r.at)}</td>
      <td>
        <span className={`badge fx-badge-${r.fence}`}>{FENCE_LABEL[r.fence]}</span>
        {r.distanceM !== null && (
          <span className="muted small">
            {' '}
            {formatMetres(r.distanceM)}
            {r.accuracyM ? ` ±${Math.round(r.accuracyM)} m` : ''}
          </span>
        )}
      </td>
      <td>
        {flagged &&
          (r.reviewedAt ? (
            <span className="muted small" title={fmt.dateTime(r.reviewedAt)}>
              reviewed
            </span>
          ) : canReview ? (
            <button type="button" className="fx-review" onClick={() => void review()} disabled={busy} data-testid="attendance-review">
              Review
            </button>
          ) : (
            <span className="fx-flag small">flagged</span>
          ))}
      </td>
    </tr>
  );
}

/** Notes (dispatchers can keep one internal: not shown to the crew) and attendance at the site. */
export function FieldLogTab({ wo }: { wo: WorkOrderDto }) {
  const fmt = useDepotFormat();
  const session = useSession();
  const toasts = useToasts();
  const queryClient = useQueryClient();
  const events = useQuery(workOrderQueries.events(wo.id));
  const attendance = useQuery(fieldQueries.attendance(wo.id));
  const [draft, setDraft] = useState('');
  const [internal, setInternal] = useState(true);
  const [busy, setBusy] = useState(false);
  const notes = [...notesOf(events.data?.items)].reverse();
  const canWrite = session.can('workorder:field');
  const records = attendance.data?.items ?? [];

  const add = async () => {
    const body = draft.trim();
    if (!body) return;
    setBusy(true);
    try {
      await fieldWrites.note(wo.id, body, internal);
      setDraft('');
      void queryClient.invalidateQueries({ queryKey: workOrderQueries.events(wo.id).queryKey });
    } catch (err) {
      toasts.error(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="wo-tab" data-testid="wo-field-log" data-state={events.isSuccess && attendance.isSuccess ? 'ready' : 'loading'}>
      <h4 className="fx-h">Check-ins at the site</h4>
      {attendance.isError && <div className="muted small">{attendance.error.message}</div>}
      {records.length ? (
        <table className="grid wo-mini fx-att">
          <thead>
            <tr>
              <th>What</th>
              <th>Who</th>
              <th>When</th>
              <th>Site fence</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {records.map((r) => (
              <AttendanceRow key={r.id} r={r} />
            ))}
          </tbody>
        </table>
      ) : (
        attendance.isSuccess && <div className="muted small">Nobody has checked in yet.</div>
      )}

      <h4 className="fx-h">Notes</h4>
      {canWrite && (
        <form
          className="fx-note-form"
          onSubmit={(e) => {
            e.preventDefault();
            void add();
          }}
        >
          <textarea
            value={draft}
            onChange={(e) => setDraft(e.target.value)}
            rows={2}
            maxLength={2000}
            placeholder="Add a note"
            aria-label="Note"
            data-testid="wo-note-input"
          />
          <div className="fx-note-actions">
            <label className="fx-check" title="Internal notes are for the desk: the crew's phones do not show them">
              <input type="checkbox" checked={internal} onChange={(e) => setInternal(e.target.checked)} data-testid="wo-note-internal" />{' '}
              Internal (desk only)
            </label>
            <span className="spacer" />
            <button type="submit" className="primary" disabled={busy || !draft.trim()} data-testid="wo-note-add">
              Add note
            </button>
          </div>
        </form>
      )}
      <ul className="fx-notes">
        {notes.map((e) => {
          const d = e.data as NoteData;
          return (
            <li key={e.id} data-testid="wo-note" className={d.internal ? 'internal' : ''}>
              <div className="fx-note-head">
                <b>{e.actorName ?? 'system'}</b>
                {d.internal && <span className="badge fx-internal">internal</span>}
                <span className="spacer" />
                <time className="muted small">{fmt.dateTime(d.occurredAt ?? e.at)}</time>
              </div>
              <p>{d.body}</p>
            </li>
          );
        })}
        {events.isSuccess && !notes.length && <li className="muted small">No notes yet.</li>}
      </ul>
    </div>
  );
}
