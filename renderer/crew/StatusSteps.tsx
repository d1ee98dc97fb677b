import { useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { STATUS_LABEL } from '../shared/work-orders/labels';
import { crewActions } from './actions';
import { stampPosition } from './geo';
import { moveLabel } from './labels';

/** What the crew taps, in their words (the status it leads to is shown above the buttons). */
const STEP_WORDS: Record<string, string> = { EN_ROUTE: 'On my way', ON_SITE: 'Arrived on site', COMPLETED: 'Job complete' };
const stepLabel = (from: string, to: string) => (from !== 'ON_HOLD' && STEP_WORDS[to]) || moveLabel(from, to, STATUS_LABEL);
import type { OutboxAction } from './offline/types';
import { crewQueries, type WorkOrderDto } from './queries';

/**
 * One-tap status steps. A tap is queued in the outbox (stamped with the time and, when the browser
 * grants it, the position) and shown at once as the new status, "waiting to send" until the host
 * has it. The moves offered are those from the status shown, so "On site" can follow a queued
 * "En route" while the yard's Wi-Fi is down; the outbox replays them in order.
 */
export function StatusSteps({
  wo,
  shownStatus,
  pending,
  signatureReady,
  checklistOpen,
  onTapped,
}: {
  wo: WorkOrderDto;
  shownStatus: string;
  pending: OutboxAction[];
  /** A signature is stored or queued (needed before "Completed" when the work order requires one). */
  signatureReady: boolean;
  /** Required checklist items still unanswered (and none queued). */
  checklistOpen: boolean;
  /** The status the crew just tapped, shown before the outbox has stored it (position lookup). */
  onTapped(to: string | null): void;
}) {
  const lifecycle = useQuery(crewQueries.lifecycle());
  const [holding, setHolding] = useState(false);
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const step = async (to: string, why?: string) => {
    setBusy(true);
    setError(null);
    onTapped(to);
    try {
      const position = await stampPosition();
      await crewActions.transition(wo.id, to, STATUS_LABEL[to] ?? to, { reason: why, position });
      setHolding(false);
      setReason('');
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      onTapped(null);
      setBusy(false);
    }
  };

  const moves = (lifecycle.data?.moves ?? []).filter(
    (m) => m.from === shownStatus && m.allowed && m.via === 'transition' && m.to !== 'CANCELLED',
  );
  // Forward steps first and big; "on hold" last.
  moves.sort((a, b) => Number(a.to === 'ON_HOLD') - Number(b.to === 'ON_HOLD'));
  const refused = pending.filter((a) => a.kind === 'transition' && a.state === 'refused');
  const waiting = pending.filter((a) => a.kind === 'transition' && a.state !== 'refused');
  const blockComplete =
    wo.requiresSignature && !signatureReady
      ? 'Customer signature needed'
      : checklistOpen
        ? 'Answer the required checklist items first'
        : null;

  return (
    <section className="crew-steps" data-testid="crew-steps">
      {waiting.length > 0 && (
        <div className="cp-waiting" data-testid="crew-steps-waiting">
          {waiting.map((a) => a.label).join(' → ')} · waiting to send
        </div>
      )}
      {refused.map((a) => (
        <p key={a.id} role="alert" className="crew-error" data-testid="crew-step-refused">
          {a.label}: {a.lastError ?? 'refused by the host'}
        </p>
      ))}
      {error && (
        <p role="alert" className="crew-error">
          {error}
        </p>
      )}
      {holding ? (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            if (reason.trim()) void step('ON_HOLD', reason.trim());
          }}
        >
          <label className="crew-field">
            <span>Why is the work on hold?</span>
            <input
              data-testid="crew-hold-reason"
              value={reason}
              onChange={(e) => setReason(e.target.value)}
              placeholder="Waiting for parts, no access, …"
              autoFocus
            />
          </label>
          <div className="crew-row-buttons">
            <button type="button" className="crew-big" onClick={() => setHolding(false)}>
              Back
            </button>
            <button type="submit" className="crew-big primary" data-testid="crew-hold-confirm" disabled={!reason.trim() || busy}>
              Put on hold
            </button>
          </div>
        </form>
      ) : (
        moves.map((m) => {
          const blocked = m.to === 'COMPLETED' ? blockComplete : null;
          return (
            <div key={m.to}>
              <button
                type="button"
                className={`crew-big ${m.to === 'ON_HOLD' ? '' : 'primary'}`}
                data-testid={`crew-step-${m.to}`}
                disabled={busy || Boolean(blocked)}
                onClick={() => (m.to === 'ON_HOLD' ? setHolding(true) : void step(m.to))}
              >
                {stepLabel(m.from, m.to)}
              </button>
              {blocked && (
                <div className="cp-blocked" data-testid={`crew-step-${m.to}-blocked`}>
                  {blocked}
                </div>
              )}
            </div>
          );
        })
      )}
      {wo.status === 'COMPLETED' && !waiting.length && <div className="cp-done">Completed. Thank you.</div>}
    </section>
  );
}
