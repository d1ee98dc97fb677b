import { useEffect, useState, type FormEvent } from 'react';
import { useNow } from '../../ui/useNow';
import { useOrg } from '../shell/org-context';
import { choiceDays, customError, customFromChoice, PRESETS, type PeriodChoice, type PresetId } from './presets';
import { startOfDay } from './zoned';

/**
 * Preset or custom period. A custom period is applied with its button (or Enter), not on every
 * keystroke in a date field, so half-typed dates do not start a report on the hub.
 */
export function PeriodPicker({ choice, onChange }: { choice: PeriodChoice; onChange(next: PeriodChoice): void }) {
  const { zone, fmt } = useOrg();
  const now = useNow(60_000);
  const [draft, setDraft] = useState(() => (choice.preset === 'custom' ? choice : customFromChoice(choice, zone, now)));
  const [editing, setEditing] = useState(choice.preset === 'custom');
  // A new choice from outside (a link, the back button) resets the fields.
  const key = JSON.stringify(choice);
  useEffect(() => {
    const c = JSON.parse(key) as PeriodChoice;
    setEditing(c.preset === 'custom');
    if (c.preset === 'custom') setDraft(c);
  }, [key]);

  const pick = (id: PresetId) => {
    if (id === 'custom') {
      setDraft(customFromChoice(choice, zone, Date.now()));
      setEditing(true);
    } else {
      setEditing(false);
      onChange({ preset: id });
    }
  };
  const first = draft.preset === 'custom' ? draft.first : '';
  const last = draft.preset === 'custom' ? draft.last : '';
  const error = editing ? customError(first, last) : null;
  const apply = (e: FormEvent) => {
    e.preventDefault();
    if (!error) onChange({ preset: 'custom', first, last });
  };
  const days = choiceDays(choice, zone, now);
  const span = `${fmt.date(new Date(startOfDay(days.first, zone)).toISOString())} – ${fmt.date(new Date(startOfDay(days.last, zone)).toISOString())}`;

  return (
    <form className="org-period" onSubmit={apply} aria-label="Period" data-testid="period">
      <select
        value={editing ? 'custom' : choice.preset}
        onChange={(e) => pick(e.target.value as PresetId)}
        aria-label="Period"
        data-testid="period-preset"
      >
        {PRESETS.map((p) => (
          <option key={p.id} value={p.id}>
            {p.label}
          </option>
        ))}
      </select>
      {editing ? (
        <>
          <input
            type="date"
            value={first}
            max={last || undefined}
            onChange={(e) => setDraft({ preset: 'custom', first: e.target.value, last })}
            aria-label="First day"
            data-testid="period-first"
          />
          <span className="muted">to</span>
          <input
            type="date"
            value={last}
            min={first || undefined}
            onChange={(e) => setDraft({ preset: 'custom', first, last: e.target.value })}
            aria-label="Last day (included)"
            data-testid="period-last"
          />
          <button type="submit" disabled={Boolean(error)} data-testid="period-apply">
            Apply
          </button>
          {error && (
            <span className="org-field-error" role="alert">
              {error}
            </span>
          )}
        </>
      ) : (
        <span className="muted small" data-testid="period-span" title={`Days in ${zone}`}>
          {span}
        </span>
      )}
    </form>
  );
}
