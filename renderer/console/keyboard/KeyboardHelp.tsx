import { useEffect, useRef, useState } from 'react';
import { isTyping } from '../work-orders/form-utils';
import { keyGroupsFor } from './keymap';
import './keyboard.css';

/** `?` shows the keys of the view on screen (and the global ones); `?` or Esc hides them. */
export function KeyboardHelp({ view }: { view: string }) {
  const [open, setOpen] = useState(false);
  const closeRef = useRef<HTMLButtonElement>(null);
  // Where focus was, to give it back: a dispatcher checks a key and carries on with the same card.
  const returnTo = useRef<HTMLElement | null>(null);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === '?' && !e.ctrlKey && !e.metaKey && !e.altKey && !isTyping(e)) {
        e.preventDefault();
        setOpen((o) => {
          if (!o) returnTo.current = document.activeElement as HTMLElement | null;
          return !o;
        });
      } else if (e.key === 'Escape' && open) {
        // The topmost layer: Esc closes it and not the drawer below (capture phase, as useEscapeToClose).
        e.stopPropagation();
        setOpen(false);
      }
    };
    window.addEventListener('keydown', onKey, true);
    return () => window.removeEventListener('keydown', onKey, true);
  }, [open]);

  useEffect(() => {
    if (open) closeRef.current?.focus();
    else if (returnTo.current?.isConnected) {
      returnTo.current.focus();
      returnTo.current = null;
    }
  }, [open]);

  if (!open) return null;
  return (
    <div className="key-help-backdrop" onClick={() => setOpen(false)}>
      <div
        className="key-help"
        role="dialog"
        aria-modal="true"
        aria-label="Keyboard shortcuts"
        data-testid="key-help"
        onClick={(e) => e.stopPropagation()}
      >
        <header>
          <h3>Keyboard shortcuts</h3>
          <button ref={closeRef} className="link" onClick={() => setOpen(false)} data-testid="key-help-close">
            Close (Esc)
          </button>
        </header>
        <div className="key-help-groups">
          {keyGroupsFor(view).map((g) => (
            <section key={g.title}>
              <h4>{g.title}</h4>
              <dl>
                {g.rows.map((r) => (
                  <div className="key-row" key={`${r.keys.join(' ')}${r.what}`}>
                    <dt>{r.keys.map((k, i) => (k === '…' ? <span key={i}> … </span> : <kbd key={i}>{k}</kbd>))}</dt>
                    <dd>{r.what}</dd>
                  </div>
                ))}
              </dl>
            </section>
          ))}
        </div>
      </div>
    </div>
  );
}
