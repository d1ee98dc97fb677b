import { useId, useMemo, useRef, useState } from 'react';

export interface Option {
  id: string;
  label: string;
  hint?: string;
}

/**
 * A select you can type into: hundreds of locations are too many for a plain <select>. Arrow keys
 * move, Enter picks, Esc closes the list (and stays in the form).
 */
export function SearchSelect({
  options,
  value,
  onChange,
  placeholder = 'Search…',
  testId,
  disabled,
  allowClear = true,
}: {
  options: Option[];
  value: string | null;
  onChange(id: string | null): void;
  placeholder?: string;
  testId?: string;
  disabled?: boolean;
  allowClear?: boolean;
}) {
  const listId = useId();
  const [open, setOpen] = useState(false);
  const [text, setText] = useState('');
  const [active, setActive] = useState(0);
  const input = useRef<HTMLInputElement>(null);
  const selected = options.find((o) => o.id === value) ?? null;
  const matches = useMemo(() => {
    const q = text.trim().toLowerCase();
    const hits = q ? options.filter((o) => o.label.toLowerCase().includes(q) || o.hint?.toLowerCase().includes(q)) : options;
    return hits.slice(0, 60);
  }, [options, text]);

  const pick = (o: Option | null) => {
    onChange(o?.id ?? null);
    setOpen(false);
    setText('');
  };

  return (
    <div className="wo-combo">
      <input
        ref={input}
        role="combobox"
        aria-expanded={open}
        aria-controls={listId}
        data-testid={testId}
        disabled={disabled}
        placeholder={selected ? selected.label : placeholder}
        value={open ? text : (selected?.label ?? '')}
        onFocus={() => {
          setOpen(true);
          setText('');
          setActive(0);
        }}
        onBlur={() => setTimeout(() => setOpen(false), 120)}
        onChange={(e) => {
          setText(e.target.value);
          setActive(0);
          setOpen(true);
        }}
        onKeyDown={(e) => {
          if (e.key === 'ArrowDown') {
            e.preventDefault();
            setActive((a) => Math.min(a + 1, matches.length - 1));
          } else if (e.key === 'ArrowUp') {
            e.preventDefault();
            setActive((a) => Math.max(a - 1, 0));
          } else if (e.key === 'Enter' && open) {
            e.preventDefault();
            if (matches[active]) pick(matches[active]);
          } else if (e.key === 'Escape' && open) {
            e.stopPropagation();
            e.nativeEvent.stopImmediatePropagation();
            setOpen(false);
          }
        }}
      />
      {allowClear && selected && !disabled && (
        <button
          type="button"
          className="wo-combo-clear"
          aria-label="Clear"
          tabIndex={-1}
          onMouseDown={(e) => e.preventDefault()}
          onClick={() => pick(null)}
        >
          ×
        </button>
      )}
      {open && (
        <ul className="wo-combo-list" id={listId} role="listbox">
          {matches.length === 0 && <li className="muted">No match</li>}
          {matches.map((o, i) => (
            <li
              key={o.id}
              role="option"
              aria-selected={i === active}
              className={i === active ? 'active' : ''}
              onMouseDown={(e) => e.preventDefault()}
              onMouseEnter={() => setActive(i)}
              onClick={() => pick(o)}
            >
              <span>{o.label}</span>
              {o.hint && <span className="muted small">{o.hint}</span>}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
