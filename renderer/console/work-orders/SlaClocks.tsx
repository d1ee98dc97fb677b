import { countdown } from '../../shared/work-orders/labels';
import { useNow } from '../../ui/useNow';
import { durationText } from './form-utils';
import type { WorkOrderDto } from '../../shared/work-orders/queries';
import { useDepotFormat } from '../../shared/locale/context';

type ClockState = 'ok' | 'at_risk' | 'breached' | 'met' | 'paused' | 'none';

function stateOf(due: string | null, atRisk: string | null, stoppedAt: string | null, now: number): ClockState {
  if (!due) return 'none';
  const dueMs = Date.parse(due);
  if (stoppedAt) return Date.parse(stoppedAt) <= dueMs ? 'met' : 'breached';
  if (now > dueMs) return 'breached';
  if (atRisk && now >= Date.parse(atRisk)) return 'at_risk';
  return 'ok';
}

const STATE_TEXT: Record<ClockState, string> = {
  ok: 'On track',
  at_risk: 'At risk',
  breached: 'Breached',
  met: 'Met',
  paused: 'Paused',
  none: 'No SLA',
};

function Clock({
  label,
  due,
  atRisk,
  stoppedAt,
  stopLabel,
  paused,
  now,
  testId,
}: {
  label: string;
  due: string | null;
  atRisk: string | null;
  stoppedAt: string | null;
  stopLabel: string;
  paused?: { since: string } | null;
  now: number;
  testId: string;
}) {
  const fmt = useDepotFormat();
  let state = stateOf(due, atRisk, stoppedAt, now);
  let big: string;
  if (!due) big = '—';
  else if (stoppedAt) big = `${stopLabel} ${fmt.dateTime(stoppedAt)}`;
  else if (paused) {
    // On hold the clock stands still at what was left when the hold began.
    big = countdown(due, Date.parse(paused.since));
    state = Date.parse(paused.since) > Date.parse(due) ? 'breached' : 'paused';
  } else big = countdown(due, now);
  return (
    <div className={`wo-clock wo-clock-${state}`} data-testid={testId} data-state={state}>
      <div className="wo-clock-head">
        <span>{label}</span>
        <span className="wo-clock-state">{paused && state !== 'breached' ? 'Paused' : STATE_TEXT[state]}</span>
      </div>
      <div className="wo-clock-big">{big}</div>
      <div className="muted small">Due {fmt.dateTime(due)}</div>
    </div>
  );
}

/** Response and resolution clocks, ticking live; the resolution clock stands still while ON_HOLD. */
export function SlaClocks({ wo }: { wo: WorkOrderDto }) {
  const fmt = useDepotFormat();
  const now = useNow(1000);
  const onHold = wo.status === 'ON_HOLD' && wo.onHoldSince ? { since: wo.onHoldSince } : null;
  const pausedSoFar = wo.slaPausedMs + (onHold ? Math.max(0, now - Date.parse(onHold.since)) : 0);
  const final = ['CLOSED', 'CANCELLED'].includes(wo.status);
  return (
    <section className="wo-clocks" aria-label="SLA clocks">
      <Clock
        label="Response"
        due={wo.responseDueAt}
        atRisk={wo.responseAtRiskAt}
        stoppedAt={wo.respondedAt ?? (final ? wo.cancelledAt : null)}
        stopLabel={wo.respondedAt ? 'On site' : 'Cancelled'}
        now={now}
        testId="wo-clock-response"
      />
      <Clock
        label="Resolution"
        due={wo.resolutionDueAt}
        atRisk={wo.resolutionAtRiskAt}
        stoppedAt={wo.completedAt ?? (final ? wo.cancelledAt : null)}
        stopLabel={wo.completedAt ? 'Done' : 'Cancelled'}
        paused={onHold}
        now={now}
        testId="wo-clock-resolution"
      />
      {(onHold || wo.slaPausedMs > 0) && (
        <div className="wo-hold" data-testid="wo-hold">
          {onHold ? (
            <>
              <b>On hold</b> since {fmt.dateTime(onHold.since)}
              {wo.holdReason && <> — “{wo.holdReason}”</>}
              <span className="muted"> · paused {durationText(pausedSoFar)} in all</span>
            </>
          ) : (
            <span className="muted">Clock was paused {durationText(wo.slaPausedMs)} on hold</span>
          )}
        </div>
      )}
    </section>
  );
}
