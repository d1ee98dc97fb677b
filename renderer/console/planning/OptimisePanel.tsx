import { memo } from 'react';
import { useLookups } from '../../shared/catalog/queries';
import { useDepotFormat } from '../../shared/locale/context';
import type { Optimiser } from './useOptimiser';

/**
 * The optimiser's side panel: progress and Cancel while it searches; then each proposed move
 * (what, from where to where, why) with a checkbox, and Accept selected / Accept all / Discard.
 * The same moves are drawn on the chart as ghost bars (ghosts.ts).
 */
export const OptimisePanel = memo(function OptimisePanel({ opt }: { opt: Optimiser }) {
  const fmt = useDepotFormat();
  const lookups = useLookups();
  const { job, moves, selected, busy } = opt;
  if (!job) return null;
  const who = (id: string | null) => (id ? (lookups.users.get(id)?.name ?? 'another crew') : 'unscheduled');
  const when = (iso: string | null) => (iso ? fmt.dateTime(Date.parse(iso)) : '');
  const p = job.proposal;
  return (
    <aside className="pl-optimise" data-testid="optimise-panel" data-state={job.state}>
      <h3>
        Optimiser <span className="badge">{job.state}</span>
      </h3>
      {job.state === 'running' && (
        <div className="opt-progress">
          <progress max={1} value={job.progress} data-testid="optimise-progress" />
          <div className="muted small">{job.message}</div>
          <button onClick={() => void opt.close()} data-testid="optimise-cancel">
            Cancel
          </button>
        </div>
      )}
      {job.state === 'failed' && <p className="error">{job.message}</p>}
      {p && (
        <>
          <p className="muted small" data-testid="optimise-summary">
            Placed {p.before.placed} → {p.after.placed} · travel {p.before.travelMin} → {p.after.travelMin} min · past SLA due{' '}
            {p.before.lateJobs} → {p.after.lateJobs} · {p.solveMs} ms
            {p.assumedShifts.length > 0 && ` · assumed weekday shifts for ${p.assumedShifts.length} crews with none on record`}
          </p>
          <div className="opt-actions">
            <button
              className="primary"
              disabled={busy || selected.size === 0}
              onClick={() => void opt.accept(false)}
              data-testid="optimise-accept-selected"
            >
              Accept selected ({selected.size})
            </button>
            <button disabled={busy || moves.length === 0} onClick={() => void opt.accept(true)} data-testid="optimise-accept-all">
              Accept all
            </button>
            <button disabled={busy} onClick={() => void opt.close()} data-testid="optimise-discard">
              Discard
            </button>
          </div>
          <ul className="opt-moves">
            {moves.map((m) => (
              <li key={m.workOrderId} data-testid="optimise-move" data-id={m.workOrderId}>
                <label>
                  <input type="checkbox" checked={selected.has(m.workOrderId)} onChange={() => opt.toggle(m.workOrderId)} />
                  <span className="num">{m.number}</span>
                </label>
                <div className="muted small">
                  {who(m.from.assigneeId)} {when(m.from.start)} → <strong>{who(m.to.assigneeId)}</strong> {when(m.to.start)}
                </div>
                <ul className="reasons small">
                  {m.reasons.map((r) => (
                    <li key={r}>{r}</li>
                  ))}
                </ul>
              </li>
            ))}
          </ul>
          {p.unplaced.length > 0 && (
            <details className="small">
              <summary>{p.unplaced.length} could not be placed</summary>
              <ul>
                {p.unplaced.map((u) => (
                  <li key={u.workOrderId}>
                    {u.number}: {u.reason}
                  </li>
                ))}
              </ul>
            </details>
          )}
        </>
      )}
    </aside>
  );
});
