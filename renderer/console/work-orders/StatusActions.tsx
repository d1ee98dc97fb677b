import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useSession } from '../../shared/api/session';
import { useLookups } from '../../shared/catalog/queries';
import { useToasts } from '../shell/toasts';
import { messageOf } from './form-utils';
import { STATUS_LABEL } from '../../shared/work-orders/labels';
import { moveLabel, nextMoves, toMoves } from './lifecycle';
import { workOrderQueries, type WorkOrderDto } from '../../shared/work-orders/queries';
import { workOrderWrites } from './form-queries';
import { useDepotFormat } from '../../shared/locale/context';

/**
 * Buttons for the statuses this user may move the work to next. ON_HOLD asks why; cancelling asks
 * to confirm. A refusal from the host (precondition, role, someone else moved it first) is shown
 * in its own words under the buttons.
 */
export function StatusActions({ wo }: { wo: WorkOrderDto }) {
  const session = useSession();
  const toasts = useToasts();
  const queryClient = useQueryClient();
  const role = session.user?.role ?? '';
  const lifecycle = useQuery({
    ...workOrderQueries.lifecycle(),
    select: (answer) => toMoves(answer, role),
    enabled: Boolean(session.user),
  });
  const [asking, setAsking] = useState<'ON_HOLD' | 'CANCELLED' | null>(null);
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState<string | null>(null);
  const [refusal, setRefusal] = useState<string | null>(null);
  if (!session.user || !session.can('workorder:transition') || !lifecycle.data) return null;
  const moves = nextMoves(lifecycle.data, wo, session.user.role);
  if (!moves.length) return null;

  const go = async (to: string, extra: { reason?: string; note?: string } = {}) => {
    setBusy(to);
    setRefusal(null);
    try {
      const saved = await workOrderWrites.transition(wo.id, wo.version, { to, ...extra });
      queryClient.setQueryData(workOrderQueries.detail(wo.id).queryKey, saved);
      setAsking(null);
      setReason('');
    } catch (err) {
      setRefusal(messageOf(err));
      toasts.error(err);
    } finally {
      setBusy(null);
    }
  };

  return (
    <div className="wo-actions" data-testid="wo-status-actions">
      <div className="wo-actions-row">
        {moves.map((to) => {
          const danger = to === 'CANCELLED';
          const quiet = danger || to === 'ON_HOLD' || (wo.status === 'SCHEDULED' && to === 'NEW');
          return (
            <button
              key={to}
              className={quiet ? (danger ? 'danger-quiet' : '') : 'primary'}
              disabled={busy !== null}
              data-testid={`wo-move-${to}`}
              onClick={() => (to === 'ON_HOLD' || to === 'CANCELLED' ? setAsking(to) : void go(to))}
            >
              {busy === to ? '…' : moveLabel(wo.status, to)}
            </button>
          );
        })}
      </div>
      {asking && (
        <form
          className="wo-ask"
          onSubmit={(e) => {
            e.preventDefault();
            void go(asking, asking === 'ON_HOLD' ? { reason: reason.trim() } : reason.trim() ? { note: reason.trim() } : {});
          }}
        >
          <input
            autoFocus
            value={reason}
            onChange={(e) => setReason(e.target.value)}
            placeholder={asking === 'ON_HOLD' ? 'Why is the work on hold? (required)' : 'Note (optional)'}
            data-testid="wo-move-reason"
            required={asking === 'ON_HOLD'}
          />
          <button
            type="submit"
            className={asking === 'CANCELLED' ? 'danger' : 'primary'}
            disabled={busy !== null}
            data-testid="wo-move-confirm"
          >
            {asking === 'ON_HOLD' ? 'Put on hold' : 'Cancel work order'}
          </button>
          <button type="button" onClick={() => setAsking(null)}>
            Back
          </button>
        </form>
      )}
      {refusal && (
        <div className="wo-refusal" role="alert" data-testid="wo-refusal">
          {refusal}
        </div>
      )}
    </div>
  );
}

/** Completed work waits for a supervisor: approve (→ Closed) or reject with a comment (→ back to Dispatched). */
export function ClosurePanel({ wo }: { wo: WorkOrderDto }) {
  const fmt = useDepotFormat();
  const session = useSession();
  const lookups = useLookups();
  const toasts = useToasts();
  const queryClient = useQueryClient();
  const closures = useQuery(workOrderQueries.closures(wo.id));
  const [rejecting, setRejecting] = useState(false);
  const [comment, setComment] = useState('');
  const [busy, setBusy] = useState(false);
  const [refusal, setRefusal] = useState<string | null>(null);
  const pending = closures.data?.items.filter((c) => c.decision === 'pending').at(-1);
  const decided = closures.data?.items.filter((c) => c.decision !== 'pending').at(-1);
  const canApprove = session.can('workorder:approve');
  if (wo.status !== 'COMPLETED' && !decided) return null;

  const decide = async (decision: 'approved' | 'rejected') => {
    setBusy(true);
    setRefusal(null);
    try {
      const saved = await workOrderWrites.closure(wo.id, wo.version, { decision, ...(comment.trim() ? { comment: comment.trim() } : {}) });
      queryClient.setQueryData(workOrderQueries.detail(wo.id).queryKey, saved);
      setRejecting(false);
      setComment('');
    } catch (err) {
      setRefusal(messageOf(err));
      toasts.error(err);
    } finally {
      setBusy(false);
    }
  };
  const who = (id: string | null) => (id ? (lookups.users.get(id)?.name ?? '…') : 'someone');

  if (wo.status !== 'COMPLETED') {
    // The last decision, for the record (e.g. why work came back).
    if (!decided || decided.decision !== 'rejected' || wo.status !== 'DISPATCHED') return null;
    return (
      <div className="wo-closure wo-closure-rejected" data-testid="wo-closure">
        Closure rejected by {who(decided.decidedBy)} {fmt.dateTime(decided.decidedAt)}: “{decided.comment}”
      </div>
    );
  }
  return (
    <div className="wo-closure" data-testid="wo-closure">
      <div>
        <b>Awaiting closure approval</b>
        {pending && (
          <span className="muted">
            {' '}
            · completed {fmt.dateTime(pending.requestedAt)}
            {pending.requestedBy ? ` by ${who(pending.requestedBy)}` : ''}
          </span>
        )}
      </div>
      {canApprove ? (
        <>
          <div className="wo-actions-row">
            <button className="primary" disabled={busy} onClick={() => void decide('approved')} data-testid="wo-closure-approve">
              Approve & close
            </button>
            <button disabled={busy} onClick={() => setRejecting((r) => !r)} data-testid="wo-closure-reject">
              Reject…
            </button>
          </div>
          {rejecting && (
            <form
              className="wo-ask"
              onSubmit={(e) => {
                e.preventDefault();
                void decide('rejected');
              }}
            >
              <input
                autoFocus
                value={comment}
                onChange={(e) => setComment(e.target.value)}
                placeholder="What is still wrong? (required)"
                required
                data-testid="wo-closure-comment"
              />
              <button type="submit" className="danger" disabled={busy}>
                Reject → {STATUS_LABEL.DISPATCHED}
              </button>
            </form>
          )}
          {refusal && (
            <div className="wo-refusal" role="alert">
              {refusal}
            </div>
          )}
        </>
      ) : (
        <div className="muted small">A supervisor approves or rejects completed work.</div>
      )}
    </div>
  );
}
