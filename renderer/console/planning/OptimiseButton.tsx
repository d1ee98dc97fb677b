import { useLookups } from '../../shared/catalog/queries';
import type { Optimiser } from './useOptimiser';

/** The toolbar's Optimise control: which crews (a team, or the whole depot) and the button. */
export function OptimiseButton({ opt }: { opt: Optimiser }) {
  const lookups = useLookups();
  const running = opt.job?.state === 'running';
  return (
    <span className="opt-start">
      <select value={opt.teamId} onChange={(e) => opt.setTeamId(e.target.value)} aria-label="Optimise for" data-testid="plan-optimise-team">
        <option value="">Whole depot</option>
        {lookups.teamsList.map((t) => (
          <option key={t.id} value={t.id}>
            {t.name}
          </option>
        ))}
      </select>
      <button onClick={() => void opt.start()} disabled={!opt.ready || opt.busy || running} data-testid="plan-optimise">
        Optimise
      </button>
    </span>
  );
}
