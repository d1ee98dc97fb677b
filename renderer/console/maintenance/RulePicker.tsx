import { useState } from 'react';
import { presetOf, presetRule, UNITS, type Unit } from './rule-presets';

/**
 * A calendar rule: "every N weeks/months/…" for the common case, or a raw RFC 5545 RRULE for the rest
 * (BYDAY, BYMONTHDAY, COUNT, UNTIL). The host checks the rule and names what is wrong with it.
 */
export function RulePicker({ value, onChange, disabled }: { value: string; onChange(rule: string): void; disabled?: boolean }) {
  const preset = presetOf(value);
  const [raw, setRaw] = useState(value !== '' && !preset);
  const p = preset ?? { every: 1, unit: 'MONTHLY' as Unit };
  return (
    <div className="pm-rule" data-testid="plan-rule">
      <div className="seg" role="group" aria-label="Rule">
        <button type="button" className={raw ? '' : 'on'} disabled={disabled} onClick={() => (setRaw(false), onChange(presetRule(p)))}>
          Every…
        </button>
        <button type="button" className={raw ? 'on' : ''} disabled={disabled} onClick={() => setRaw(true)} data-testid="plan-rule-raw">
          RRULE
        </button>
      </div>
      {raw ? (
        <input
          value={value}
          placeholder="FREQ=WEEKLY;BYDAY=MO"
          onChange={(e) => onChange(e.target.value)}
          disabled={disabled}
          spellCheck={false}
          data-testid="plan-rrule"
        />
      ) : (
        <span className="pm-every">
          every{' '}
          <input
            type="number"
            min={1}
            max={999}
            value={p.every}
            disabled={disabled}
            onChange={(e) => onChange(presetRule({ ...p, every: Math.max(1, Number(e.target.value) || 1) }))}
            aria-label="Every how many"
            data-testid="plan-every"
          />{' '}
          <select
            value={p.unit}
            disabled={disabled}
            onChange={(e) => onChange(presetRule({ ...p, unit: e.target.value as Unit }))}
            aria-label="Unit"
            data-testid="plan-unit"
          >
            {UNITS.map(([u, label]) => (
              <option key={u} value={u}>
                {label}
              </option>
            ))}
          </select>
        </span>
      )}
    </div>
  );
}
