import { createContext, useCallback, useContext, useState, type ReactNode } from 'react';
import { ApiError } from '../../shared/api/client';

interface Toast {
  id: number;
  kind: 'error' | 'info' | 'success';
  text: string;
  detail?: string;
  /** One button on the toast (e.g. "Undo" after a delete); the toast closes when it is pressed. */
  action?: { label: string; run(): void };
}

const ToastContext = createContext<{ push(t: Omit<Toast, 'id'>): void; error(err: unknown): void } | null>(null);
let nextId = 1;

export function ToastProvider({ children }: { children: ReactNode }) {
  const [toasts, setToasts] = useState<Toast[]>([]);
  const dismiss = useCallback((id: number) => setToasts((all) => all.filter((t) => t.id !== id)), []);
  const push = useCallback(
    (t: Omit<Toast, 'id'>) => {
      const id = nextId++;
      setToasts((all) => [...all.slice(-4), { ...t, id }]);
      // An offer to undo must stay long enough to be read and reached with the mouse.
      setTimeout(() => dismiss(id), t.kind === 'error' || t.action ? 10_000 : 4000);
    },
    [dismiss],
  );
  /** Shows the host's own message (problem+json detail and field errors), never a generic "failed". */
  const error = useCallback(
    (err: unknown) => {
      if (err instanceof ApiError) {
        push({ kind: 'error', text: err.message, detail: err.errors.map((e) => `${e.field}: ${e.message}`).join('\n') || undefined });
      } else push({ kind: 'error', text: err instanceof Error ? err.message : String(err) });
    },
    [push],
  );
  return (
    <ToastContext.Provider value={{ push, error }}>
      {children}
      <div className="toasts" role="status" aria-live="polite">
        {toasts.map((t) => (
          <div key={t.id} className={`toast toast-${t.kind}`} data-testid={`toast-${t.kind}`} onClick={() => dismiss(t.id)}>
            <div>{t.text}</div>
            {t.detail && <pre>{t.detail}</pre>}
            {t.action && (
              <button
                className="toast-action"
                onClick={(e) => {
                  e.stopPropagation();
                  dismiss(t.id);
                  t.action?.run();
                }}
                data-testid="toast-action"
              >
                {t.action.label}
              </button>
            )}
          </div>
        ))}
      </div>
    </ToastContext.Provider>
  );
}

export function useToasts() {
  const v = useContext(ToastContext);
  if (!v) throw new Error('useToasts outside ToastProvider');
  return v;
}
